import { Card, CardContent, Divider, Stack, Typography } from '@mui/material';
import { useId, type ReactNode } from 'react';

/** A titled block of a page (h2), with its own actions on the right. */
export function SectionCard({
  title,
  description,
  actions,
  children,
  id,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
}) {
  const generated = useId();
  const headingId = id ?? generated;
  return (
    <Card component="section" aria-labelledby={headingId} sx={{ mb: 3 }}>
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        sx={{ justifyContent: 'space-between', alignItems: { sm: 'center' }, gap: 1.5, px: 2.5, py: 2 }}
      >
        <div>
          <Typography variant="h6" component="h2" id={headingId}>
            {title}
          </Typography>
          {description && (
            <Typography variant="body2" sx={{ color: 'text.secondary', mt: 0.25 }}>
              {description}
            </Typography>
          )}
        </div>
        {actions && (
          <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap' }}>
            {actions}
          </Stack>
        )}
      </Stack>
      <Divider />
      <CardContent sx={{ p: 0, '&:last-child': { pb: 0 } }}>{children}</CardContent>
    </Card>
  );
}
