import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { SectionCard } from '../../components/section-card';
import { QueryView } from '../../components/query-state';
import { StatCard } from '../../components/stat-card';
import { formatCredits, formatInteger } from '../../lib/format';
import { trpc } from '../../lib/trpc';
import { useMe } from '../auth/session';

/** The balance and what the last 30 days cost, in total and per model. */
export function UsageCard() {
  const me = useMe();
  const usage = useQuery(trpc.me.usage.queryOptions(undefined));
  return (
    <SectionCard title="Credits and usage" description="Your balance, and what you used in the last 30 days.">
      <Box sx={{ p: 2.5 }}>
        <QueryView
          query={usage}
          loadingLabel="Loading your usage…"
          errorTitle="Your usage could not be loaded"
        >
          {(data) => (
            <>
              <Box
                sx={{
                  display: 'grid',
                  gap: 2,
                  gridTemplateColumns: { xs: '1fr 1fr', md: 'repeat(4, 1fr)' },
                  mb: data.byModel.length > 0 ? 2.5 : 0,
                }}
              >
                <StatCard label="Balance" value={`${formatCredits(me.credits)}`} caption="credits" />
                <StatCard
                  label="Requests"
                  value={formatInteger(data.totals.requests)}
                  caption="last 30 days"
                />
                <StatCard
                  label="Tokens"
                  value={formatInteger(data.totals.inputTokens + data.totals.outputTokens)}
                  caption={`${formatInteger(data.totals.inputTokens)} in · ${formatInteger(data.totals.outputTokens)} out`}
                />
                <StatCard
                  label="Credits spent"
                  value={formatCredits(data.totals.credits)}
                  caption="last 30 days"
                />
              </Box>
              {data.byModel.length === 0 ? (
                <Typography sx={{ color: 'text.secondary' }}>
                  No AI requests in the last 30 days. Try the Playground.
                </Typography>
              ) : (
                <TableContainer>
                  <Table size="small" aria-label="Usage by model">
                    <TableHead>
                      <TableRow>
                        <TableCell>Model</TableCell>
                        <TableCell align="right">Requests</TableCell>
                        <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                          Tokens in
                        </TableCell>
                        <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                          Tokens out
                        </TableCell>
                        <TableCell align="right">Credits</TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {data.byModel.map((row) => (
                        <TableRow key={`${row.provider}/${row.model}`}>
                          <TableCell>
                            {row.provider}/{row.model}
                          </TableCell>
                          <TableCell align="right">{formatInteger(row.requests)}</TableCell>
                          <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                            {formatInteger(row.inputTokens)}
                          </TableCell>
                          <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                            {formatInteger(row.outputTokens)}
                          </TableCell>
                          <TableCell align="right">{formatCredits(row.credits)}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </TableContainer>
              )}
            </>
          )}
        </QueryView>
      </Box>
    </SectionCard>
  );
}
