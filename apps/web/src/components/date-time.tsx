import { Tooltip, Typography } from '@mui/material';
import { formatDateTime, formatRelative } from '../lib/format';

/** A time as people read it ("5 minutes ago" or "29 Nov 2025, 06:23"), the exact UTC time on hover. */
export function DateTime({
  iso,
  relative = false,
  empty = '—',
}: {
  iso: string | null | undefined;
  relative?: boolean;
  empty?: string;
}) {
  if (!iso) {
    return (
      <Typography component="span" variant="inherit" sx={{ color: 'text.secondary' }}>
        {empty}
      </Typography>
    );
  }
  return (
    <Tooltip title={iso} describeChild>
      <time dateTime={iso}>{relative ? formatRelative(iso) : formatDateTime(iso)}</time>
    </Tooltip>
  );
}
