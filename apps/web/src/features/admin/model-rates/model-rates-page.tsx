/** The price list: what each model costs per million tokens, which models are on offer, which are deprecated. */
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import SellOutlinedIcon from '@mui/icons-material/SellOutlined';
import {
  Box,
  Button,
  Card,
  Chip,
  IconButton,
  Stack,
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
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useNotify } from '../../../components/notifier';
import { PageHeader } from '../../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../../components/query-state';
import { VisuallyHidden } from '../../../components/visually-hidden';
import type { ModelRateView } from '../../../lib/api-types';
import { formatCredits } from '../../../lib/format';
import { perMillionTokens } from '../../../lib/pricing';
import { trpc } from '../../../lib/trpc';
import { MONO } from '../../../theme';
import { RateDialog } from './rate-dialog';

const price = (rate: number | null) => (rate === null ? '—' : formatCredits(perMillionTokens(rate)));

export function ModelRatesPage() {
  const queryClient = useQueryClient();
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const notify = useNotify();
  const rates = useQuery(trpc.modelRates.list.queryOptions());
  const providers = useQuery(trpc.providers.list.queryOptions());
  const [editing, setEditing] = useState<ModelRateView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ModelRateView | null>(null);
  const remove = useMutation(
    trpc.modelRates.delete.mutationOptions({
      onSuccess: () => {
        notify(`Rate of ${deleting?.provider ?? ''}/${deleting?.model ?? ''} deleted`);
        setDeleting(null);
        void queryClient.invalidateQueries({ queryKey: trpc.modelRates.pathKey() });
      },
    }),
  );
  const noProviders = providers.data?.length === 0;

  return (
    <>
      <PageHeader
        title="Model rates"
        description="What each model costs, in credits per million tokens. Rated models of enabled providers are what users can pick; with billing on, calls are charged at these rates."
        actions={
          <Button
            variant="contained"
            startIcon={<AddIcon />}
            onClick={() => setEditing('new')}
            disabled={!providers.data || noProviders}
          >
            Add rate
          </Button>
        }
      />
      {rates.isPending || providers.isPending ? (
        <LoadingState label="Loading rates…" />
      ) : rates.isError || providers.isError ? (
        <ErrorState
          error={rates.error ?? providers.error}
          title="The rates could not be loaded"
          onRetry={() => {
            void rates.refetch();
            void providers.refetch();
          }}
        />
      ) : rates.data.length === 0 ? (
        <Card>
          <EmptyState
            icon={<SellOutlinedIcon />}
            title="No model rates yet"
            description={
              noProviders
                ? 'Add a provider first; then rate the models users may pick.'
                : 'Rate a model of one of your providers to offer it in the Playground and the API.'
            }
          />
        </Card>
      ) : (
        <Card>
          <TableContainer>
            <Table aria-label="Model rates">
              <TableHead>
                <TableRow>
                  <TableCell>Model</TableCell>
                  {narrow ? (
                    <TableCell align="right">Price / 1M tokens</TableCell>
                  ) : (
                    <>
                      <TableCell>Type</TableCell>
                      <TableCell align="right">Input / 1M</TableCell>
                      <TableCell align="right">Output / 1M</TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                        Cache read / 1M
                      </TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                        Cache write / 1M
                      </TableCell>
                      <TableCell>Status</TableCell>
                    </>
                  )}
                  <TableCell align="right">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rates.data.map((rate) => {
                  const status = (
                    <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap' }}>
                      <Chip
                        size="small"
                        label={rate.enabled ? 'Enabled' : 'Disabled'}
                        color={rate.enabled ? 'success' : 'default'}
                      />
                      {rate.deprecated && <Chip size="small" label="Deprecated" color="warning" />}
                    </Stack>
                  );
                  return (
                    <TableRow key={rate.id} data-testid="rate-row">
                      <TableCell>
                        <Box sx={{ fontFamily: MONO, fontSize: 13.5, overflowWrap: 'break-word' }}>
                          <Box component="span" sx={{ color: 'text.secondary' }}>
                            {rate.provider}/
                          </Box>
                          {rate.model}
                        </Box>
                        {/* Phones: type and status under the model, instead of columns of their own. */}
                        {narrow && (
                          <Stack sx={{ gap: 0.5, mt: 0.5 }}>
                            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                              {rate.type}
                            </Typography>
                            {status}
                          </Stack>
                        )}
                      </TableCell>
                      {narrow ? (
                        <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                          {price(rate.inputRate)} in
                          <br />
                          {price(rate.outputRate)} out
                        </TableCell>
                      ) : (
                        <>
                          <TableCell>{rate.type}</TableCell>
                          <TableCell align="right">{price(rate.inputRate)}</TableCell>
                          <TableCell align="right">{price(rate.outputRate)}</TableCell>
                          <TableCell align="right" sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                            {price(rate.cacheReadRate)}
                          </TableCell>
                          <TableCell align="right" sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                            {price(rate.cacheWriteRate)}
                          </TableCell>
                          <TableCell>{status}</TableCell>
                        </>
                      )}
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap', px: { xs: 0.5, sm: 2 } }}>
                        <Tooltip title="Edit">
                          <IconButton
                            aria-label={`Edit rate ${rate.provider}/${rate.model}`}
                            onClick={() => setEditing(rate)}
                          >
                            <EditOutlinedIcon />
                          </IconButton>
                        </Tooltip>
                        <Tooltip title="Delete">
                          <IconButton
                            aria-label={`Delete rate ${rate.provider}/${rate.model}`}
                            color="error"
                            onClick={() => setDeleting(rate)}
                          >
                            <DeleteOutlineIcon />
                          </IconButton>
                        </Tooltip>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </TableContainer>
        </Card>
      )}
      {editing !== null && providers.data && (
        <RateDialog
          rate={editing === 'new' ? null : editing}
          providers={providers.data}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the rate of ${deleting?.provider ?? ''}/${deleting?.model ?? ''}?`}
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
        <Typography>With billing on, the model can no longer be used once it has no rate.</Typography>
      </ConfirmDialog>
    </>
  );
}
