import Stack from '@mui/material/Stack';
import type { ReactNode } from 'react';

/**
 * The form of a dialog: submitted with Enter in a field or by the dialog's submit button (which names this
 * form by `id`), never by a page reload; the fields validate themselves with the shared schemas (noValidate
 * keeps the browser's own bubbles out of the way).
 */
export function DialogForm({
  id,
  onSubmit,
  autoComplete,
  children,
}: {
  id: string;
  onSubmit: () => void;
  autoComplete?: 'off';
  children: ReactNode;
}) {
  return (
    <Stack
      component="form"
      id={id}
      noValidate
      autoComplete={autoComplete}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
      sx={{ gap: 2.5, pt: 1 }}
    >
      {children}
    </Stack>
  );
}
