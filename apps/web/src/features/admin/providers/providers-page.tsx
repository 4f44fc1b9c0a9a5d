/**
 * Providers and their credentials. Each provider is a card: its endpoint, on/off, and a table of credentials
 * (masked values, weight, health, on/off, connection test). Secrets are only ever typed in (CredentialDialog);
 * what comes back from the hub is masked, and that is all this page can show.
 */
import AddIcon from '@mui/icons-material/Add';
import CloudOutlinedIcon from '@mui/icons-material/CloudOutlined';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import {
  Avatar,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Divider,
  IconButton,
  Stack,
  Switch,
  Tooltip,
  Typography,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useNotify } from '../../../components/notifier';
import { PageHeader } from '../../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../../components/query-state';
import type { CredentialView, ProviderView } from '../../../lib/api-types';
import { errorMessage } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { MONO } from '../../../theme';
import { CredentialDialog } from './credential-dialog';
import { healthSummary } from './credential-health';
import { CredentialsList } from './credentials-list';
import { ProviderDialog } from './provider-dialog';

function ProviderCard({
  provider,
  credentials,
  onEdit,
  onDelete,
}: {
  provider: ProviderView;
  credentials: CredentialView[];
  onEdit: () => void;
  onDelete: () => void;
}) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [editing, setEditing] = useState<CredentialView | 'new' | null>(null);
  const setEnabled = useMutation(
    trpc.providers.setEnabled.mutationOptions({
      onSuccess: (updated) => {
        notify(`${updated.displayName} ${updated.enabled ? 'enabled' : 'disabled'}`);
        void queryClient.invalidateQueries({ queryKey: trpc.providers.pathKey() });
      },
      onError: (error) => notify(errorMessage(error), 'error'),
    }),
  );
  return (
    <Card sx={{ mb: 3 }} component="section" aria-label={provider.displayName} data-testid="provider-card">
      <CardContent sx={{ pb: 1.5 }}>
        <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 2, justifyContent: 'space-between' }}>
          <Stack direction="row" sx={{ gap: 1.5, alignItems: 'center', minWidth: 0 }}>
            <Avatar sx={{ bgcolor: provider.enabled ? 'primary.main' : 'grey.500' }} aria-hidden>
              {provider.displayName.slice(0, 1).toUpperCase()}
            </Avatar>
            <Box sx={{ minWidth: 0 }}>
              <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                <Typography variant="h6" component="h2">
                  {provider.displayName}
                </Typography>
                <Chip size="small" label={provider.label} variant="outlined" />
                {!provider.enabled && <Chip size="small" label="Disabled" />}
              </Stack>
              <Typography variant="body2" sx={{ color: 'text.secondary', wordBreak: 'break-all' }}>
                <Box component="span" sx={{ fontFamily: MONO }}>
                  {provider.name}
                </Box>
                {' · '}
                {provider.effectiveBaseUrl ?? 'no endpoint'}
                {provider.region ? ` · ${provider.region}` : ''}
              </Typography>
              <Typography variant="body2" sx={{ color: 'text.secondary' }} data-testid="provider-health">
                {healthSummary(credentials)}
              </Typography>
            </Box>
          </Stack>
          <Stack direction="row" sx={{ alignItems: 'center', gap: 0.5, flexShrink: 0 }}>
            <Tooltip title={provider.enabled ? 'Enabled' : 'Disabled'}>
              <Switch
                checked={provider.enabled}
                onChange={(event) => setEnabled.mutate({ id: provider.id, enabled: event.target.checked })}
                slotProps={{ input: { 'aria-label': `Enable provider ${provider.name}` } }}
              />
            </Tooltip>
            <Tooltip title="Edit provider">
              <IconButton aria-label={`Edit provider ${provider.name}`} onClick={onEdit}>
                <EditOutlinedIcon />
              </IconButton>
            </Tooltip>
            <Tooltip title="Delete provider">
              <IconButton aria-label={`Delete provider ${provider.name}`} color="error" onClick={onDelete}>
                <DeleteOutlineIcon />
              </IconButton>
            </Tooltip>
          </Stack>
        </Stack>
      </CardContent>
      <Divider />
      <CredentialsList provider={provider} credentials={credentials} onEdit={(c) => setEditing(c)} />
      <Box sx={{ px: 2, py: 1.5, borderTop: '1px solid', borderColor: 'divider' }}>
        <Button startIcon={<AddIcon />} onClick={() => setEditing('new')}>
          Add credential
        </Button>
      </Box>
      {editing !== null && (
        <CredentialDialog
          provider={provider}
          credential={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Card>
  );
}

export function ProvidersPage() {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const providers = useQuery(trpc.providers.list.queryOptions());
  // Health changes with traffic (a 429 cools a key down, a refusal marks it invalid): always fetched on arrival,
  // and kept current while the page is open.
  const credentials = useQuery(
    trpc.credentials.list.queryOptions(undefined, { staleTime: 0, refetchInterval: 15_000 }),
  );
  const [dialog, setDialog] = useState<{ provider: ProviderView | null } | null>(null);
  const [deleting, setDeleting] = useState<ProviderView | null>(null);
  const remove = useMutation(
    trpc.providers.delete.mutationOptions({
      onSuccess: (result) => {
        notify(
          `Provider deleted, with ${result.deletedCredentialCount} credentials and ${result.deletedModelRateCount} model rates`,
        );
        setDeleting(null);
        void queryClient.invalidateQueries({ queryKey: trpc.providers.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.credentials.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.modelRates.pathKey() });
      },
    }),
  );

  const byProvider = new Map<string, CredentialView[]>();
  for (const credential of credentials.data ?? []) {
    byProvider.set(credential.providerId, [...(byProvider.get(credential.providerId) ?? []), credential]);
  }

  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream AI providers and the keys the hub calls them with. Keys go in and never come back out: the hub shows them masked."
        actions={
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setDialog({ provider: null })}>
            Add provider
          </Button>
        }
      />
      {providers.isPending || credentials.isPending ? (
        <LoadingState label="Loading providers…" />
      ) : providers.isError || credentials.isError ? (
        <ErrorState
          error={providers.error ?? credentials.error}
          title="The providers could not be loaded"
          onRetry={() => {
            void providers.refetch();
            void credentials.refetch();
          }}
        />
      ) : providers.data.length === 0 ? (
        <Card>
          <EmptyState
            icon={<CloudOutlinedIcon />}
            title="No providers yet"
            description="Add OpenAI, Anthropic, Gemini, Bedrock or any OpenAI-compatible endpoint, then give it a credential and rate its models."
            action={
              <Button
                variant="contained"
                startIcon={<AddIcon />}
                onClick={() => setDialog({ provider: null })}
              >
                Add provider
              </Button>
            }
          />
        </Card>
      ) : (
        providers.data.map((provider) => (
          <ProviderCard
            key={provider.id}
            provider={provider}
            credentials={byProvider.get(provider.id) ?? []}
            onEdit={() => setDialog({ provider })}
            onDelete={() => setDeleting(provider)}
          />
        ))
      )}
      {dialog && (
        <ProviderDialog
          key={dialog.provider?.id ?? 'new'}
          provider={dialog.provider}
          open
          onClose={() => setDialog(null)}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.displayName ?? ''}?`}
        confirmLabel="Delete provider"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        <Typography>
          Its {deleting?.credentialCount ?? 0} credentials and all its model rates are deleted with it. Models
          named <Box component="code">{deleting?.name}/…</Box> stop working at once.
        </Typography>
      </ConfirmDialog>
    </>
  );
}
