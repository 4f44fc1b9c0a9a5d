/**
 * The credentials of one provider: name, masked value, weight, health (with why and what happens next), on/off,
 * connection test, edit and delete. A table from tablet width up; on phones each credential is a block of its
 * own, so nothing needs sideways scrolling.
 */
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import NetworkCheckIcon from '@mui/icons-material/NetworkCheck';
import {
  Alert,
  Box,
  Chip,
  Divider,
  IconButton,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
  useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { useNotify } from '../../../components/notifier';
import { VisuallyHidden } from '../../../components/visually-hidden';
import type { CredentialTestResult, CredentialView, ProviderView } from '../../../lib/api-types';
import { errorMessage } from '../../../lib/errors';
import { formatInteger } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { MONO } from '../../../theme';
import { describeHealth } from './credential-health';

/** Each field on its own line; a long masked value wraps only where there is no room (phones). */
function MaskedValue({ value, wrap = false }: { value: Record<string, string>; wrap?: boolean }) {
  return (
    <Stack sx={{ gap: 0.25, minWidth: 0 }}>
      {Object.entries(value).map(([field, shown]) => (
        <Box
          key={field}
          sx={{
            fontFamily: MONO,
            fontSize: 12.5,
            ...(wrap ? { overflowWrap: 'anywhere' } : { whiteSpace: 'nowrap' }),
          }}
        >
          <Box component="span" sx={{ color: 'text.secondary' }}>
            {field}:
          </Box>{' '}
          <span data-testid="masked-value">{shown}</span>
        </Box>
      ))}
    </Stack>
  );
}

function Health({ credential }: { credential: CredentialView }) {
  const health = describeHealth(credential);
  return (
    <Stack sx={{ gap: 0.5, alignItems: 'flex-start' }} data-testid="credential-health">
      <Chip size="small" label={health.label} color={health.color} />
      {health.detail && (
        <Typography variant="caption" sx={{ color: 'text.secondary', maxWidth: 300, lineHeight: 1.35 }}>
          {health.detail}
        </Typography>
      )}
    </Stack>
  );
}

type TestOutcome =
  { credential: string; result: CredentialTestResult } | { credential: string; error: string };

function outcomeText(outcome: TestOutcome, name: string): string {
  if ('error' in outcome) return `Test of “${name}” failed: ${outcome.error}`;
  const { result } = outcome;
  if (result.ok) {
    return `Connection OK for “${name}”: ${result.modelCount ?? 0} models listed in ${result.latencyMs} ms.`;
  }
  const why = result.error ?? result.failure ?? 'no answer';
  return `Connection failed for “${name}”: ${why}${result.status ? ` (HTTP ${result.status})` : ''}.`;
}

export function CredentialsList({
  provider,
  credentials,
  onEdit,
}: {
  provider: ProviderView;
  credentials: CredentialView[];
  onEdit: (credential: CredentialView) => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const [deleting, setDeleting] = useState<CredentialView | null>(null);
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.credentials.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.providers.pathKey() });
  };
  const setEnabled = useMutation(
    trpc.credentials.setEnabled.mutationOptions({
      onSuccess: (updated) => {
        notify(`Credential “${updated.name}” ${updated.enabled ? 'enabled' : 'disabled'}`);
        refresh();
      },
      onError: (error) => notify(errorMessage(error), 'error'),
    }),
  );
  const test = useMutation(
    trpc.credentials.test.mutationOptions({
      onSuccess: (result, input) => {
        setOutcome({ credential: input.id, result });
        refresh();
      },
      onError: (error, input) => setOutcome({ credential: input.id, error: errorMessage(error) }),
    }),
  );
  const remove = useMutation(
    trpc.credentials.delete.mutationOptions({
      onSuccess: () => {
        notify(`Credential “${deleting?.name ?? ''}” deleted`);
        setDeleting(null);
        refresh();
      },
    }),
  );

  if (credentials.length === 0) {
    return (
      <Typography sx={{ color: 'text.secondary', px: 2.5, py: 2 }}>
        {provider.credentialOptional
          ? 'No credentials: calls go out without a key, which this kind allows.'
          : 'No credentials yet. Calls to this provider need at least one.'}
      </Typography>
    );
  }

  const enabledSwitch = (credential: CredentialView) => (
    <Switch
      checked={credential.enabled}
      onChange={(event) => setEnabled.mutate({ id: credential.id, enabled: event.target.checked })}
      slotProps={{ input: { 'aria-label': `Enable credential ${credential.name}` } }}
    />
  );
  const actions = (credential: CredentialView) => (
    <>
      <Tooltip title="Test connection">
        <span>
          <IconButton
            aria-label={`Test credential ${credential.name}`}
            onClick={() => test.mutate({ id: credential.id })}
            disabled={test.isPending}
          >
            <NetworkCheckIcon />
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title="Edit">
        <IconButton aria-label={`Edit credential ${credential.name}`} onClick={() => onEdit(credential)}>
          <EditOutlinedIcon />
        </IconButton>
      </Tooltip>
      <Tooltip title="Delete">
        <IconButton
          aria-label={`Delete credential ${credential.name}`}
          color="error"
          onClick={() => setDeleting(credential)}
        >
          <DeleteOutlineIcon />
        </IconButton>
      </Tooltip>
    </>
  );
  const calls = (credential: CredentialView) =>
    `${formatInteger(credential.usageCount)} call${credential.usageCount === 1 ? '' : 's'}`;

  const testedName = credentials.find((c) => c.id === outcome?.credential)?.name ?? '';
  return (
    <>
      {narrow ? (
        <Stack divider={<Divider />} component="ul" sx={{ listStyle: 'none', m: 0, p: 0 }}>
          {credentials.map((credential) => (
            <Box
              component="li"
              key={credential.id}
              data-testid="credential-row"
              aria-label={`Credential ${credential.name}`}
              sx={{ px: 2, py: 1.5, display: 'grid', gap: 1 }}
            >
              <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', gap: 1 }}>
                <Box sx={{ minWidth: 0 }}>
                  <Typography sx={{ fontWeight: 600 }}>{credential.name}</Typography>
                  <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                    {calls(credential)} · weight {credential.weight} · last used{' '}
                    <DateTime iso={credential.lastUsedAt} relative empty="never" />
                  </Typography>
                </Box>
                {enabledSwitch(credential)}
              </Stack>
              <MaskedValue value={credential.value} wrap />
              <Health credential={credential} />
              <Stack direction="row" sx={{ gap: 0.5, ml: -1 }}>
                {actions(credential)}
              </Stack>
            </Box>
          ))}
        </Stack>
      ) : (
        <TableContainer>
          <Table size="small" aria-label={`Credentials of ${provider.displayName}`}>
            <TableHead>
              <TableRow>
                <TableCell>Credential</TableCell>
                <TableCell>Value</TableCell>
                <TableCell align="right">Weight</TableCell>
                <TableCell>Health</TableCell>
                <TableCell sx={{ display: { xs: 'none', lg: 'table-cell' } }}>Last used</TableCell>
                <TableCell>Enabled</TableCell>
                <TableCell align="right">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {credentials.map((credential) => (
                <TableRow key={credential.id} data-testid="credential-row">
                  <TableCell sx={{ fontWeight: 600 }}>
                    {credential.name}
                    <Typography
                      variant="caption"
                      component="div"
                      sx={{ color: 'text.secondary', fontWeight: 400 }}
                    >
                      {calls(credential)}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <MaskedValue value={credential.value} />
                  </TableCell>
                  <TableCell align="right">{credential.weight}</TableCell>
                  <TableCell>
                    <Health credential={credential} />
                  </TableCell>
                  <TableCell sx={{ display: { xs: 'none', lg: 'table-cell' } }}>
                    <DateTime iso={credential.lastUsedAt} relative empty="Never" />
                  </TableCell>
                  <TableCell>{enabledSwitch(credential)}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {actions(credential)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {test.isPending && (
        <Alert severity="info" sx={{ m: 2 }}>
          Testing the connection…
        </Alert>
      )}
      {!test.isPending && outcome && (
        <Alert
          severity={'result' in outcome && outcome.result.ok ? 'success' : 'error'}
          onClose={() => setOutcome(null)}
          sx={{ m: 2 }}
          data-testid="test-result"
        >
          {outcomeText(outcome, testedName)}
        </Alert>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete credential “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        <Typography>The hub stops using this key at once. The stored secret is destroyed.</Typography>
      </ConfirmDialog>
    </>
  );
}
