import { Card, CardContent, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** One number with its label, for the tops of usage and account pages. */
export function StatCard({
  label,
  value,
  caption,
}: {
  label: string;
  value: ReactNode;
  caption?: ReactNode;
}) {
  return (
    <Card sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="body2" sx={{ color: 'text.secondary', fontWeight: 600 }}>
          {label}
        </Typography>
        <Typography variant="h5" component="p" sx={{ mt: 0.5, wordBreak: 'break-word' }}>
          {value}
        </Typography>
        {caption && (
          <Typography variant="body2" sx={{ color: 'text.secondary', mt: 0.5 }}>
            {caption}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
