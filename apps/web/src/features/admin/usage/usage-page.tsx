/**
 * Usage and cost analytics: totals, a day-by-day chart, and where the requests and credits went (by model,
 * provider, user and API key) over a chosen range. Each chart has a table next to it with the same numbers, for
 * screen readers and for reading exact values. Charts are drawn at once, without recharts' grow-in animation
 * (motion that says nothing, and that would leave screenshots of half-drawn bars).
 */
import InsightsOutlinedIcon from '@mui/icons-material/InsightsOutlined';
import {
  Box,
  Card,
  CardContent,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
  useMediaQuery,
} from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DidText } from '../../../components/did-text';
import { PageHeader } from '../../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../../components/query-state';
import { StatCard } from '../../../components/stat-card';
import type { UsageMetrics } from '../../../lib/api-types';
import { formatCompact, formatCredits, formatDay, formatInteger } from '../../../lib/format';
import { trpc } from '../../../lib/trpc';
import { MONO } from '../../../theme';

const RANGES = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
];

type Metric = 'credits' | 'requests' | 'tokens';
const METRICS: { value: Metric; label: string }[] = [
  { value: 'credits', label: 'Credits' },
  { value: 'requests', label: 'Requests' },
  { value: 'tokens', label: 'Tokens' },
];

const measure = (row: UsageMetrics, metric: Metric): number =>
  metric === 'credits'
    ? row.credits
    : metric === 'requests'
      ? row.requests
      : row.inputTokens + row.outputTokens;

const formatMetric = (value: number, metric: Metric) =>
  metric === 'credits' ? formatCredits(value) : formatInteger(value);

function ChartCard({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <Card component="section" aria-label={title} sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="h6" component="h2" sx={{ mb: 2 }}>
          {title}
        </Typography>
        <Box role="img" aria-label={summary} sx={{ width: '100%', height: 260 }}>
          {children}
        </Box>
      </CardContent>
    </Card>
  );
}

interface Row extends UsageMetrics {
  key: string;
  label: ReactNode;
  name: string;
}

function BreakdownCard({
  title,
  rows,
  metric,
  loading,
  error,
}: {
  title: string;
  rows: Row[];
  metric: Metric;
  loading: boolean;
  error: unknown;
}) {
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const top = rows.slice(0, 8).map((row) => ({ name: row.name, value: measure(row, metric) }));
  return (
    <Card component="section" aria-label={title}>
      <CardContent>
        <Typography variant="h6" component="h2" sx={{ mb: 1.5 }}>
          {title}
        </Typography>
        {loading ? (
          <LoadingState compact />
        ) : error ? (
          <ErrorState error={error} />
        ) : rows.length === 0 ? (
          <Typography sx={{ color: 'text.secondary', py: 2 }}>Nothing in this range.</Typography>
        ) : (
          <>
            <Box
              role="img"
              aria-label={`${title}: ${top.map((item) => `${item.name} ${formatMetric(item.value, metric)}`).join(', ')}`}
              sx={{ width: '100%', height: Math.max(120, top.length * 36 + 30) }}
            >
              <ResponsiveContainer>
                <BarChart data={top} layout="vertical" margin={{ left: 8, right: 24 }}>
                  <CartesianGrid horizontal={false} stroke="#eceef5" />
                  <XAxis type="number" tickFormatter={formatCompact} fontSize={12} />
                  <YAxis
                    type="category"
                    dataKey="name"
                    width={narrow ? 96 : 150}
                    fontSize={12}
                    tickLine={false}
                  />
                  <Tooltip formatter={(value) => formatMetric(Number(value), metric)} />
                  <Bar
                    isAnimationActive={false}
                    dataKey="value"
                    name={METRICS.find((m) => m.value === metric)?.label}
                    fill={theme.palette.primary.main}
                    radius={[0, 6, 6, 0]}
                  />
                </BarChart>
              </ResponsiveContainer>
            </Box>
            {/* Focusable: on a narrow screen the table scrolls sideways, and keyboard users must reach that. */}
            <TableContainer sx={{ mt: 1 }} tabIndex={0} role="region" aria-label={`${title}, as a table`}>
              <Table size="small" aria-label={`${title} (table)`}>
                <TableHead>
                  <TableRow>
                    <TableCell>Name</TableCell>
                    <TableCell align="right">Requests</TableCell>
                    <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                      Tokens
                    </TableCell>
                    <TableCell align="right">Credits</TableCell>
                    <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                      Errors
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map((row) => (
                    <TableRow key={row.key}>
                      <TableCell sx={{ minWidth: { xs: 110, sm: 140 }, overflowWrap: 'anywhere' }}>
                        {row.label}
                      </TableCell>
                      <TableCell align="right">{formatInteger(row.requests)}</TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                        {formatInteger(row.inputTokens + row.outputTokens)}
                      </TableCell>
                      <TableCell align="right">{formatCredits(row.credits)}</TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                        {formatInteger(row.errors)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          </>
        )}
      </CardContent>
    </Card>
  );
}

export function UsagePage() {
  const theme = useTheme();
  const [days, setDays] = useState(30);
  const [metric, setMetric] = useState<Metric>('credits');
  // One range for every report of the page, fixed when the range is chosen (not on every render).
  const range = useMemo(() => {
    const until = new Date();
    return { since: new Date(until.getTime() - days * 86_400_000).toISOString(), until: until.toISOString() };
  }, [days]);
  const summary = useQuery(trpc.usage.summary.queryOptions(range));
  const byModel = useQuery(trpc.usage.byModel.queryOptions({ ...range, limit: 50 }));
  const byProvider = useQuery(trpc.usage.byProvider.queryOptions({ ...range, limit: 50 }));
  const byUser = useQuery(trpc.usage.byUser.queryOptions({ ...range, limit: 50 }));
  const byKey = useQuery(trpc.usage.byApiKey.queryOptions({ ...range, limit: 50 }));

  const modelRows: Row[] = (byModel.data?.rows ?? []).map((row) => ({
    ...row,
    key: `${row.provider}/${row.model}`,
    name: `${row.provider}/${row.model}`,
    label: (
      <Box component="span" sx={{ fontFamily: MONO, fontSize: 13 }}>{`${row.provider}/${row.model}`}</Box>
    ),
  }));
  const providerRows: Row[] = (byProvider.data?.rows ?? []).map((row) => ({
    ...row,
    key: row.provider,
    name: row.provider,
    label: row.provider,
  }));
  const userRows: Row[] = (byUser.data?.rows ?? []).map((row) => ({
    ...row,
    key: row.userDid,
    name: row.name ?? row.userDid.replace('did:abt:', '').slice(0, 10),
    label: row.name ? `${row.name}` : <DidText did={row.userDid} />,
  }));
  const keyRows: Row[] = (byKey.data?.rows ?? []).map((row) => ({
    ...row,
    key: `${row.apiKeyId ?? 'session'}:${row.userDid}`,
    name: row.apiKeyId ? (row.name ?? row.prefix ?? 'deleted key') : 'Browser session',
    label: row.apiKeyId ? (
      <span>
        {row.name ?? 'Deleted key'}{' '}
        <Box component="span" sx={{ fontFamily: MONO, fontSize: 12, color: 'text.secondary' }}>
          {row.prefix ? `${row.prefix}…` : ''}
        </Box>
      </span>
    ) : (
      <span>
        Browser session (Playground) · <DidText did={row.userDid} />
      </span>
    ),
  }));

  const days_ = summary.data?.byDay ?? [];
  const chartData = days_.map((day) => ({ day: formatDay(day.day), value: measure(day, metric) }));
  const metricLabel = METRICS.find((m) => m.value === metric)?.label ?? '';

  return (
    <>
      <PageHeader
        title="Usage"
        description="What the hub's AI traffic cost and where it went. Days are UTC."
        actions={
          <ToggleButtonGroup
            size="small"
            exclusive
            value={days}
            onChange={(_event, value: number | null) => value !== null && setDays(value)}
            aria-label="Range"
          >
            {RANGES.map((r) => (
              <ToggleButton key={r.days} value={r.days}>
                {r.label}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        }
      />
      {summary.isPending ? (
        <LoadingState label="Loading usage…" />
      ) : summary.isError ? (
        <ErrorState
          error={summary.error}
          title="Usage could not be loaded"
          onRetry={() => void summary.refetch()}
        />
      ) : (
        <>
          <Box
            sx={{
              display: 'grid',
              gap: 2,
              gridTemplateColumns: { xs: '1fr 1fr', md: 'repeat(5, 1fr)' },
              mb: 3,
            }}
          >
            <StatCard label="Requests" value={formatInteger(summary.data.totals.requests)} />
            <StatCard label="Credits" value={formatCredits(summary.data.totals.credits)} />
            <StatCard label="Input tokens" value={formatInteger(summary.data.totals.inputTokens)} />
            <StatCard label="Output tokens" value={formatInteger(summary.data.totals.outputTokens)} />
            <StatCard
              label="Errors"
              value={formatInteger(summary.data.totals.errors)}
              caption={
                summary.data.totals.requests > 0
                  ? `${((summary.data.totals.errors / summary.data.totals.requests) * 100).toFixed(1)}% of requests`
                  : undefined
              }
            />
          </Box>
          {summary.data.totals.requests === 0 ? (
            <Card>
              <EmptyState
                icon={<InsightsOutlinedIcon />}
                title="No AI requests in this range"
                description="Usage appears here as people use the Playground and API keys."
              />
            </Card>
          ) : (
            <>
              <Box sx={{ mb: 2, display: 'flex', justifyContent: 'flex-end' }}>
                <ToggleButtonGroup
                  size="small"
                  exclusive
                  value={metric}
                  onChange={(_event, value: Metric | null) => value !== null && setMetric(value)}
                  aria-label="Measure"
                >
                  {METRICS.map((m) => (
                    <ToggleButton key={m.value} value={m.value}>
                      {m.label}
                    </ToggleButton>
                  ))}
                </ToggleButtonGroup>
              </Box>
              <Box sx={{ mb: 3 }}>
                <ChartCard
                  title={`${metricLabel} per day`}
                  summary={`${metricLabel} per day over the last ${days} days, ${formatMetric(
                    chartData.reduce((sum, d) => sum + d.value, 0),
                    metric,
                  )} in total`}
                >
                  <ResponsiveContainer>
                    <AreaChart data={chartData} margin={{ left: 4, right: 16, top: 8 }}>
                      <defs>
                        <linearGradient id="usageFill" x1="0" y1="0" x2="0" y2="1">
                          <stop offset="0%" stopColor={theme.palette.primary.main} stopOpacity={0.35} />
                          <stop offset="100%" stopColor={theme.palette.primary.main} stopOpacity={0.02} />
                        </linearGradient>
                      </defs>
                      <CartesianGrid vertical={false} stroke="#eceef5" />
                      <XAxis dataKey="day" fontSize={12} tickLine={false} minTickGap={24} />
                      <YAxis fontSize={12} tickFormatter={formatCompact} width={76} />
                      <Tooltip formatter={(value) => [formatMetric(Number(value), metric), metricLabel]} />
                      <Area
                        isAnimationActive={false}
                        type="monotone"
                        dataKey="value"
                        stroke={theme.palette.primary.main}
                        strokeWidth={2}
                        fill="url(#usageFill)"
                      />
                    </AreaChart>
                  </ResponsiveContainer>
                </ChartCard>
              </Box>
              {/* Side by side only where each table still has room for its names (wide screens). */}
              <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', xl: '1fr 1fr' } }}>
                <BreakdownCard
                  title="By model"
                  rows={modelRows}
                  metric={metric}
                  loading={byModel.isPending}
                  error={byModel.error}
                />
                <BreakdownCard
                  title="By provider"
                  rows={providerRows}
                  metric={metric}
                  loading={byProvider.isPending}
                  error={byProvider.error}
                />
                <BreakdownCard
                  title="By user"
                  rows={userRows}
                  metric={metric}
                  loading={byUser.isPending}
                  error={byUser.error}
                />
                <BreakdownCard
                  title="By API key"
                  rows={keyRows}
                  metric={metric}
                  loading={byKey.isPending}
                  error={byKey.error}
                />
              </Box>
            </>
          )}
        </>
      )}
    </>
  );
}
