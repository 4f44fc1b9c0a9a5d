import { Box } from '@mui/material';
import type { ReactNode } from 'react';

/** Text for screen readers only (a column header of icon buttons, who said what in a chat). */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return (
    <Box
      component="span"
      sx={{
        position: 'absolute',
        // Strings: in `sx` the numbers 1 and -1 would mean 100% and -8px (theme units), not pixels.
        width: '1px',
        height: '1px',
        p: 0,
        m: '-1px',
        overflow: 'hidden',
        clip: 'rect(0 0 0 0)',
        whiteSpace: 'nowrap',
        border: 0,
      }}
    >
      {children}
    </Box>
  );
}
