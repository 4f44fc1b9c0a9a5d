/** The user's API keys: list (prefix and last four only), create, rotate and revoke. */
import AddIcon from '@mui/icons-material/Add';
import AutorenewIcon from '@mui/icons-material/Autorenew';
import BlockIcon from '@mui/icons-material/Block';
import VpnKeyOutlinedIcon from '@mui/icons-material/VpnKeyOutlined';
import {
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  IconButton,
  MenuItem,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DateTime } from '../../components/date-time';
import { useNotify } from '../../components/notifier';
import { EmptyState, QueryView } from '../../components/query-state';
import { SectionCard } from '../../components/section-card';
import { VisuallyHidden } from '../../components/visually-hidden';
import type { ApiKeyView } from '../../lib/api-types';
import { errorMessage } from '../../lib/errors';
import { rotateApiKeyInput } from '../../lib/schemas';
import { trpc } from '../../lib/trpc';
import { validate } from '../../lib/validation';
import { MONO } from '../../theme';
import { CreateApiKeyDialog } from './create-api-key-dialog';
import { SecretReveal } from './secret-reveal';

const STATUS_COLOR = { active: 'success', expired: 'default', revoked: 'error' } as const;

const GRACE_CHOICES = [
  { seconds: 0, label: 'Stop at once' },
  { seconds: 3600, label: 'Keep working for 1 hour' },
  { seconds: 86_400, label: 'Keep working for 24 hours' },
  { seconds: 7 * 86_400, label: 'Keep working for 7 days' },
];

function RotateDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose: () => void }) {
  const queryClient = useQueryClient();
  const titleId = useId();
  const [grace, setGrace] = useState(86_400);
  const [secret, setSecret] = useState<string | null>(null);
  const rotate = useMutation(trpc.apiKeys.rotate.mutationOptions({ gcTime: 0 }));
  const submit = () => {
    const checked = validate(rotateApiKeyInput, { id: apiKey.id, graceSeconds: grace });
    if (!checked.ok) return;
    rotate.mutate(checked.data, {
      onSuccess: (result) => {
        setSecret(result.secret);
        rotate.reset();
        void queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.pathKey() });
      },
    });
  };
  return (
    <Dialog open onClose={secret ? undefined : onClose} aria-labelledby={titleId} maxWidth="sm" fullWidth>
      <DialogTitle id={titleId}>{secret ? 'The new secret' : `Rotate “${apiKey.name}”`}</DialogTitle>
      <DialogContent>
        {secret ? (
          <SecretReveal secret={secret} name={apiKey.name} />
        ) : (
          <Stack sx={{ gap: 2, pt: 1 }}>
            <Typography>
              The key gets a new secret; its name, scopes and limits stay. Programs using the old secret need
              the new one.
            </Typography>
            <TextField
              select
              label="The old secret"
              value={grace}
              onChange={(event) => setGrace(Number(event.target.value))}
            >
              {GRACE_CHOICES.map((choice) => (
                <MenuItem key={choice.seconds} value={choice.seconds}>
                  {choice.label}
                </MenuItem>
              ))}
            </TextField>
            {rotate.isError && <Typography color="error">{errorMessage(rotate.error)}</Typography>}
          </Stack>
        )}
      </DialogContent>
      <DialogActions>
        {secret ? (
          <Button variant="contained" onClick={onClose}>
            I have copied it
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button variant="contained" onClick={submit} loading={rotate.isPending}>
              Rotate
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}

export function ApiKeysCard() {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [showRevoked, setShowRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<ApiKeyView | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const keys = useQuery(trpc.apiKeys.list.queryOptions({ includeRevoked: showRevoked }));
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: (key) => {
        notify(`Key “${key.name}” revoked`);
        setRevoking(null);
        void queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.pathKey() });
      },
    }),
  );

  return (
    <SectionCard
      title="API keys"
      description="For programs and OpenAI SDKs: they act as you, within the scopes you give them."
      actions={
        <>
          <FormControlLabel
            control={
              <Switch checked={showRevoked} onChange={(event) => setShowRevoked(event.target.checked)} />
            }
            label="Show revoked"
          />
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            Create API key
          </Button>
        </>
      }
    >
      <QueryView
        query={keys}
        loadingLabel="Loading your API keys…"
        errorTitle="Your API keys could not be loaded"
      >
        {(list) =>
          list.length === 0 ? (
            <EmptyState
              icon={<VpnKeyOutlinedIcon />}
              title="No API keys yet"
              description="Create one to call the hub from code: the OpenAI-compatible API lives at /api/v1."
            />
          ) : (
            <TableContainer>
              <Table aria-label="API keys">
                <TableHead>
                  <TableRow>
                    <TableCell>Name</TableCell>
                    <TableCell>Key</TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Scopes</TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Expires</TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Last used</TableCell>
                    <TableCell>Status</TableCell>
                    <TableCell align="right">
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {list.map((key) => (
                    <TableRow key={key.id} data-testid="api-key-row">
                      <TableCell sx={{ fontWeight: 600 }}>{key.name}</TableCell>
                      <TableCell sx={{ fontFamily: MONO, fontSize: 13, whiteSpace: 'nowrap' }}>
                        {key.prefix}…{key.last4}
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                        <Stack direction="row" sx={{ gap: 0.5 }}>
                          {key.scopes.map((scope) => (
                            <Chip key={scope} size="small" label={scope} variant="outlined" />
                          ))}
                        </Stack>
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                        <DateTime iso={key.expiresAt} empty="Never" />
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                        <DateTime iso={key.lastUsedAt} relative empty="Never" />
                      </TableCell>
                      <TableCell>
                        <Chip size="small" label={key.status} color={STATUS_COLOR[key.status]} />
                      </TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        {key.status === 'active' && (
                          <>
                            <Tooltip title="Rotate">
                              <IconButton
                                aria-label={`Rotate key ${key.name}`}
                                onClick={() => setRotating(key)}
                              >
                                <AutorenewIcon />
                              </IconButton>
                            </Tooltip>
                            <Tooltip title="Revoke">
                              <IconButton
                                aria-label={`Revoke key ${key.name}`}
                                color="error"
                                onClick={() => setRevoking(key)}
                              >
                                <BlockIcon />
                              </IconButton>
                            </Tooltip>
                          </>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )
        }
      </QueryView>
      <CreateApiKeyDialog open={creating} onClose={() => setCreating(false)} />
      {rotating && <RotateDialog apiKey={rotating} onClose={() => setRotating(null)} />}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke"
        destructive
        busy={revoke.isPending}
        error={revoke.error}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
      >
        <Typography>
          Programs using it are refused from their very next request. This cannot be undone.
        </Typography>
      </ConfirmDialog>
    </SectionCard>
  );
}
