/**
 * The audit trail: every admin change, sign-in, refusal and AI request, newest first, with filters, pages,
 * a detail drawer, export (NDJSON or CSV) and the state of the hash chain.
 */
import DownloadIcon from '@mui/icons-material/Download';
import FilterAltOffOutlinedIcon from '@mui/icons-material/FilterAltOffOutlined';
import ReceiptLongOutlinedIcon from '@mui/icons-material/ReceiptLongOutlined';
import {
  Alert,
  Box,
  Button,
  Card,
  Chip,
  Link,
  Menu,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DateTime } from '../../../components/date-time';
import { DidText } from '../../../components/did-text';
import { useNotify } from '../../../components/notifier';
import { PageHeader } from '../../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../../components/query-state';
import type { AuditEventView } from '../../../lib/api-types';
import { downloadText } from '../../../lib/download';
import { errorMessage } from '../../../lib/errors';
import { AUDIT_OUTCOMES } from '../../../lib/schemas';
import { trpc, trpcClient } from '../../../lib/trpc';
import type { FieldErrors } from '../../../lib/validation';
import { MONO } from '../../../theme';
import { AuditDetailDrawer } from './audit-detail-drawer';
import { NO_FILTERS, OUTCOME_COLOR, toAuditFilters, type AuditFilterForm } from './audit-filters';
import { ChainBadge } from './chain-badge';

const PAGE_SIZES = [25, 50, 100];
const QUICK_ACTIONS = ['auth.', 'providers.', 'credentials.', 'apiKeys.', 'users.', 'ai.'];

type Filters = Extract<ReturnType<typeof toAuditFilters>, { ok: true }>['data'];

export function AuditPage() {
  const notify = useNotify();
  const [form, setForm] = useState<AuditFilterForm>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pageSize, setPageSize] = useState(25);
  /** Cursors of the pages seen so far; the last one is the current page's (undefined: the newest page). */
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<AuditEventView | null>(null);
  const [exportAnchor, setExportAnchor] = useState<HTMLElement | null>(null);
  const [exporting, setExporting] = useState(false);

  const cursor = cursors.at(-1);
  const page = useQuery(
    trpc.auditEvents.list.queryOptions(
      { ...filters, limit: pageSize, ...(cursor !== undefined && { cursor }) },
      { placeholderData: keepPreviousData },
    ),
  );

  const apply = (next: AuditFilterForm) => {
    const checked = toAuditFilters(next);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setFilters(checked.data);
    setCursors([undefined]);
  };
  const set = <K extends keyof AuditFilterForm>(key: K, value: AuditFilterForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const showEvent = async (seq: number) => {
    try {
      const found = await trpcClient.auditEvents.list.query({ cursor: String(seq + 1), limit: 1 });
      const event = found.events[0];
      if (event?.seq === seq) setSelected(event);
      else notify(`Event #${seq} is not in the trail any more`, 'warning');
    } catch (error) {
      notify(errorMessage(error), 'error');
    }
  };

  const exportAs = async (format: 'ndjson' | 'csv') => {
    setExportAnchor(null);
    setExporting(true);
    try {
      const result = await trpcClient.auditEvents.export.query({ ...filters, format });
      downloadText(result.fileName, result.content, result.contentType);
      notify(
        result.notice ?? `Exported ${result.count} events as ${format.toUpperCase()}`,
        result.truncated ? 'warning' : 'success',
      );
    } catch (error) {
      notify(errorMessage(error), 'error');
    } finally {
      setExporting(false);
    }
  };

  const filtered = Object.keys(filters).length > 0;

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every admin change, sign-in, refused call and AI request, hash-chained so that editing, inserting or deleting an event shows."
        actions={
          <>
            <Button
              variant="outlined"
              startIcon={<DownloadIcon />}
              onClick={(event) => setExportAnchor(event.currentTarget)}
              loading={exporting}
              aria-haspopup="true"
            >
              Export
            </Button>
            <Menu anchorEl={exportAnchor} open={exportAnchor !== null} onClose={() => setExportAnchor(null)}>
              <MenuItem onClick={() => void exportAs('ndjson')}>
                NDJSON (one event per line, verifiable)
              </MenuItem>
              <MenuItem onClick={() => void exportAs('csv')}>CSV (for spreadsheets)</MenuItem>
            </Menu>
          </>
        }
      />
      <Box sx={{ mb: 2 }}>
        <ChainBadge onShowEvent={(seq) => void showEvent(seq)} />
      </Box>
      <Card
        sx={{ p: 2, mb: 2 }}
        component="form"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          apply(form);
        }}
      >
        <Box
          sx={{
            display: 'grid',
            gap: 2,
            gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', lg: 'repeat(4, 1fr)' },
          }}
        >
          <TextField
            size="small"
            label="Action starts with"
            placeholder="providers."
            value={form.actionPrefix}
            onChange={(event) => set('actionPrefix', event.target.value)}
            error={Boolean(errors.actionPrefix)}
            helperText={errors.actionPrefix}
            slotProps={{ htmlInput: { spellCheck: false } }}
          />
          <TextField
            size="small"
            label="Actor DID"
            value={form.actorDid}
            onChange={(event) => set('actorDid', event.target.value)}
            error={Boolean(errors.actorDid)}
            helperText={errors.actorDid}
            slotProps={{ htmlInput: { spellCheck: false } }}
          />
          <TextField
            size="small"
            label="Target type"
            placeholder="credential"
            value={form.targetType}
            onChange={(event) => set('targetType', event.target.value)}
          />
          <TextField
            size="small"
            select
            label="Outcome"
            value={form.outcome}
            onChange={(event) => set('outcome', event.target.value as AuditFilterForm['outcome'])}
          >
            <MenuItem value="">Any outcome</MenuItem>
            {AUDIT_OUTCOMES.map((outcome) => (
              <MenuItem key={outcome} value={outcome}>
                {outcome}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            size="small"
            label="From"
            type="datetime-local"
            value={form.from}
            onChange={(event) => set('from', event.target.value)}
            error={Boolean(errors.from)}
            helperText={errors.from}
            slotProps={{ inputLabel: { shrink: true } }}
          />
          <TextField
            size="small"
            label="Until"
            type="datetime-local"
            value={form.to}
            onChange={(event) => set('to', event.target.value)}
            error={Boolean(errors.to)}
            helperText={errors.to}
            slotProps={{ inputLabel: { shrink: true } }}
          />
          <TextField
            size="small"
            label="Target id"
            value={form.targetId}
            onChange={(event) => set('targetId', event.target.value)}
          />
          <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-start' }}>
            <Button type="submit" variant="contained" fullWidth>
              Apply filters
            </Button>
            <Button
              startIcon={<FilterAltOffOutlinedIcon />}
              onClick={() => {
                setForm(NO_FILTERS);
                apply(NO_FILTERS);
              }}
              disabled={!filtered && form === NO_FILTERS}
              fullWidth
            >
              Clear
            </Button>
          </Stack>
        </Box>
        <Stack direction="row" sx={{ gap: 1, mt: 1.5, flexWrap: 'wrap', alignItems: 'center' }}>
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            Quick:
          </Typography>
          {QUICK_ACTIONS.map((prefix) => (
            <Chip
              key={prefix}
              label={prefix}
              size="small"
              variant={filters.actionPrefix === prefix ? 'filled' : 'outlined'}
              color={filters.actionPrefix === prefix ? 'primary' : 'default'}
              onClick={() => {
                const next = { ...form, actionPrefix: prefix };
                setForm(next);
                apply(next);
              }}
              sx={{ fontFamily: MONO }}
            />
          ))}
        </Stack>
      </Card>

      {page.isPending ? (
        <LoadingState label="Loading events…" />
      ) : page.isError ? (
        <ErrorState
          error={page.error}
          title="The audit trail could not be loaded"
          onRetry={() => void page.refetch()}
        />
      ) : page.data.events.length === 0 ? (
        <Card>
          <EmptyState
            icon={<ReceiptLongOutlinedIcon />}
            title={filtered ? 'No event matches these filters' : 'No events yet'}
            description={
              filtered
                ? 'Widen the filters or clear them.'
                : 'Events appear as people sign in and change things.'
            }
          />
        </Card>
      ) : (
        <Card>
          <TableContainer sx={{ opacity: page.isPlaceholderData ? 0.6 : 1 }}>
            <Table size="small" aria-label="Audit events">
              <TableHead>
                <TableRow>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>#</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Time</TableCell>
                  <TableCell>Action</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Actor</TableCell>
                  <TableCell sx={{ display: { xs: 'none', lg: 'table-cell' } }}>Target</TableCell>
                  <TableCell>Outcome</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {page.data.events.map((event) => (
                  <TableRow key={event.seq} hover data-testid="audit-row">
                    <TableCell sx={{ color: 'text.secondary', display: { xs: 'none', sm: 'table-cell' } }}>
                      {event.seq}
                    </TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap', display: { xs: 'none', sm: 'table-cell' } }}>
                      <DateTime iso={event.ts} />
                    </TableCell>
                    <TableCell sx={{ overflowWrap: 'anywhere' }}>
                      <Link
                        component="button"
                        type="button"
                        onClick={() => setSelected(event)}
                        sx={{ fontFamily: MONO, fontSize: 13, textAlign: 'left' }}
                        aria-label={`Details of event ${event.seq}, ${event.action}`}
                      >
                        {event.action}
                      </Link>
                      {/* Phones: number and time under the action, instead of columns of their own. */}
                      <Typography
                        variant="caption"
                        sx={{ color: 'text.secondary', display: { xs: 'block', sm: 'none' } }}
                      >
                        #{event.seq} · <DateTime iso={event.ts} />
                      </Typography>
                    </TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                      {event.actorDid ? (
                        <Stack direction="row" sx={{ gap: 0.75, alignItems: 'center' }}>
                          <DidText did={event.actorDid} />
                          {event.actorRole && (
                            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                              {event.actorRole}
                            </Typography>
                          )}
                        </Stack>
                      ) : (
                        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                          {event.via === 'system' ? 'system' : 'anonymous'}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell sx={{ display: { xs: 'none', lg: 'table-cell' }, maxWidth: 260 }}>
                      <Typography variant="body2" noWrap title={event.targetId ?? undefined}>
                        {event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : '—'}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      <Chip size="small" label={event.outcome} color={OUTCOME_COLOR[event.outcome]} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          <Stack
            direction={{ xs: 'column', sm: 'row' }}
            sx={{
              justifyContent: 'space-between',
              alignItems: { sm: 'center' },
              gap: 1.5,
              p: 2,
              borderTop: '1px solid',
              borderColor: 'divider',
            }}
          >
            <TextField
              select
              size="small"
              label="Events per page"
              value={pageSize}
              onChange={(event) => {
                setPageSize(Number(event.target.value));
                setCursors([undefined]);
              }}
              sx={{ width: 160 }}
            >
              {PAGE_SIZES.map((size) => (
                <MenuItem key={size} value={size}>
                  {size}
                </MenuItem>
              ))}
            </TextField>
            <Stack direction="row" sx={{ gap: 1, alignItems: 'center' }}>
              <Typography variant="body2" sx={{ color: 'text.secondary' }} aria-live="polite">
                Page {cursors.length}
              </Typography>
              <Button onClick={() => setCursors((all) => all.slice(0, -1))} disabled={cursors.length === 1}>
                Newer
              </Button>
              <Button
                variant="outlined"
                onClick={() => {
                  const next = page.data.nextCursor;
                  if (next) setCursors((all) => [...all, next]);
                }}
                disabled={!page.data.nextCursor || page.isPlaceholderData}
              >
                Older
              </Button>
            </Stack>
          </Stack>
        </Card>
      )}
      {page.isError === false && filtered && (
        <Alert severity="info" sx={{ mt: 2 }}>
          Filtered view: the chain is verified over the whole trail, not just these events.
        </Alert>
      )}
      <AuditDetailDrawer event={selected} onClose={() => setSelected(null)} />
    </>
  );
}
