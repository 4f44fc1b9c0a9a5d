import Alert from '@mui/material/Alert';
import type { SxProps, Theme } from '@mui/material/styles';
import { errorMessage, fieldErrorsOf } from '../lib/errors';

/**
 * A failed save, shown as one alert, unless the server's refusal names fields: those errors already show
 * under their inputs, and repeating them here would say the same thing twice.
 */
export function FormError({ error, sx }: { error: unknown; sx?: SxProps<Theme> }) {
  if (!error || Object.keys(fieldErrorsOf(error)).length > 0) return null;
  return (
    <Alert severity="error" sx={sx}>
      {errorMessage(error)}
    </Alert>
  );
}
