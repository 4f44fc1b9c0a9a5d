/**
 * The three states every list and form goes through besides showing data: loading, failed (with the reason
 * and a way to try again) and empty (with what to do next).
 */
import { Alert, AlertTitle, Box, Button, CircularProgress, Stack, Typography } from '@mui/material';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/errors';

export function LoadingState({ label = 'Loading…', compact = false }: { label?: string; compact?: boolean }) {
  return (
    <Box
      role="status"
      aria-live="polite"
      sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 2, py: compact ? 2 : 6 }}
    >
      <CircularProgress size={compact ? 20 : 28} aria-hidden />
      <Typography sx={{ color: 'text.secondary' }}>{label}</Typography>
    </Box>
  );
}

export function ErrorState({
  error,
  title = 'This could not be loaded',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <Alert
      severity="error"
      action={
        onRetry && (
          <Button color="inherit" size="small" onClick={onRetry}>
            Try again
          </Button>
        )
      }
    >
      <AlertTitle>{title}</AlertTitle>
      {errorMessage(error)}
    </Alert>
  );
}

export function EmptyState({
  icon,
  title,
  description,
  action,
  titleComponent = 'p',
}: {
  icon?: ReactNode;
  title: string;
  /** `h1` when the empty state is all the page shows. */
  titleComponent?: 'p' | 'h1' | 'h2';
  description?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Stack sx={{ alignItems: 'center', textAlign: 'center', py: 5, px: 2, gap: 1 }}>
      {icon && <Box sx={{ color: 'primary.main', opacity: 0.8, '& svg': { fontSize: 44 } }}>{icon}</Box>}
      <Typography variant="h6" component={titleComponent}>
        {title}
      </Typography>
      {description && <Typography sx={{ color: 'text.secondary', maxWidth: 520 }}>{description}</Typography>}
      {action && <Box sx={{ mt: 1 }}>{action}</Box>}
    </Stack>
  );
}

/** Renders loading and error states of a query, then `children` with its data. */
export function QueryView<T>({
  query,
  loadingLabel,
  errorTitle,
  children,
}: {
  query: UseQueryResult<T, unknown>;
  loadingLabel?: string;
  errorTitle?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState {...(loadingLabel !== undefined && { label: loadingLabel })} />;
  if (query.isError) {
    return (
      <ErrorState
        error={query.error}
        {...(errorTitle !== undefined && { title: errorTitle })}
        onRetry={() => void query.refetch()}
      />
    );
  }
  return <>{children(query.data)}</>;
}
