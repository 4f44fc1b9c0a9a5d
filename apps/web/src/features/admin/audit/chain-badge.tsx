/**
 * Whether the audit trail's hash chain holds. Verifying reads every event (and is itself audited), so it runs
 * once when the page opens and again only on request.
 */
import GppBadOutlinedIcon from '@mui/icons-material/GppBadOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import VerifiedUserOutlinedIcon from '@mui/icons-material/VerifiedUserOutlined';
import { Alert, AlertTitle, Button, Chip, CircularProgress, Stack } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../lib/errors';
import { formatInteger } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';

const REASONS: Record<string, string> = {
  edited: 'its content no longer matches its hash: it was edited',
  inserted: 'it does not belong to the chain: it was inserted or copied',
  deleted: 'events before it are missing: they were deleted',
  reordered: 'it is out of order',
  broken_link: 'it does not link to the event before it',
  missing_checkpoint: 'the events before it are gone and no genuine retention checkpoint accounts for them',
  truncated: 'the newest events after it were removed (the recorded head is further on)',
  head_missing: 'the head record kept outside the trail was removed',
  head_invalid: 'the head record kept outside the trail was written without the audit key',
  head_mismatch: 'the head record kept outside the trail does not end this chain (set back or replaced)',
};

export function ChainBadge({ onShowEvent }: { onShowEvent: (seq: number) => void }) {
  const verify = useQuery(
    trpc.auditEvents.verify.queryOptions(undefined, { staleTime: Infinity, retry: false }),
  );
  const again = (
    <Button
      size="small"
      startIcon={<RefreshIcon />}
      onClick={() => void verify.refetch()}
      disabled={verify.isFetching}
    >
      Verify again
    </Button>
  );
  if (verify.isPending || verify.isFetching) {
    return (
      <Chip
        icon={<CircularProgress size={14} aria-hidden />}
        label="Verifying the chain…"
        variant="outlined"
        role="status"
      />
    );
  }
  if (verify.isError) {
    return (
      <Alert severity="error" action={again}>
        The chain could not be verified: {errorMessage(verify.error)}
      </Alert>
    );
  }
  const result = verify.data;
  if (result.ok) {
    return (
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
        <Chip
          icon={<VerifiedUserOutlinedIcon />}
          color="success"
          label={`Chain verified · ${formatInteger(result.count)} events`}
          data-testid="chain-badge"
          data-state="verified"
        />
        {again}
      </Stack>
    );
  }
  return (
    <Alert
      severity="error"
      icon={<GppBadOutlinedIcon />}
      data-testid="chain-badge"
      data-state="broken"
      action={
        <Stack sx={{ gap: 0.5 }}>
          <Button color="inherit" size="small" onClick={() => onShowEvent(result.seq)}>
            Show event #{result.seq}
          </Button>
          {again}
        </Stack>
      }
    >
      <AlertTitle>Chain broken at event #{result.seq}</AlertTitle>
      The first bad event is #{result.seq}: {REASONS[result.reason] ?? result.message}. Verification stops
      there, so the events after it are not verified either; compare with a backup or an earlier export.
    </Alert>
  );
}
