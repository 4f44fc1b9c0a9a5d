/** Where the user is signed in, and ending any of those sessions (this one is "sign out"). */
import {
  Button,
  Chip,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
} from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { DateTime } from '../../components/date-time';
import { useNotify } from '../../components/notifier';
import { QueryView } from '../../components/query-state';
import { SectionCard } from '../../components/section-card';
import { errorMessage } from '../../lib/errors';
import { sessionHint } from '../../lib/session-events';
import { trpc } from '../../lib/trpc';
import { signInPath } from '../layout/nav-items';
import { describeUserAgent } from './user-agent';

export function SessionsCard() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const notify = useNotify();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: () => {
        notify('Session ended');
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
      onError: (error) => notify(errorMessage(error), 'error'),
    }),
  );
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      meta: { handlesUnauthorized: true },
      onSettled: () => {
        sessionHint.clear();
        queryClient.clear();
        void navigate(signInPath('signed-out', null), { replace: true });
      },
    }),
  );

  return (
    <SectionCard title="Sessions" description="Browsers signed in as you. End any you do not recognise.">
      <QueryView
        query={sessions}
        loadingLabel="Loading your sessions…"
        errorTitle="Your sessions could not be loaded"
      >
        {(list) => (
          <TableContainer>
            <Table aria-label="Sessions">
              <TableHead>
                <TableRow>
                  <TableCell>Device</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Address</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Signed in</TableCell>
                  <TableCell>Last active</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Expires</TableCell>
                  <TableCell align="right">Action</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {list.map((session) => (
                  <TableRow key={session.id}>
                    <TableCell>
                      <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                        {describeUserAgent(session.userAgent)}
                        {session.current && <Chip size="small" color="primary" label="This browser" />}
                      </Stack>
                    </TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                      {session.ip ?? '—'}
                    </TableCell>
                    <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                      <DateTime iso={session.createdAt} />
                    </TableCell>
                    <TableCell>
                      <DateTime iso={session.lastSeenAt} relative />
                    </TableCell>
                    <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                      <DateTime iso={session.expiresAt} relative />
                    </TableCell>
                    <TableCell align="right">
                      {session.current ? (
                        <Button size="small" onClick={() => logout.mutate()} loading={logout.isPending}>
                          Sign out
                        </Button>
                      ) : (
                        <Button
                          size="small"
                          color="error"
                          onClick={() => revoke.mutate({ sessionId: session.id })}
                          loading={revoke.isPending && revoke.variables.sessionId === session.id}
                        >
                          End session
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </QueryView>
    </SectionCard>
  );
}
