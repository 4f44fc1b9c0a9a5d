/**
 * Who is signed in, for every page inside the app. The hub is asked (`me.get`); without a session the user is
 * sent to the sign-in page, and when a session ends while the app is open (idle timeout, revoked elsewhere)
 * any call that notices sends the user there too, with a message saying why.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Box } from '@mui/material';
import { ErrorState, LoadingState } from '../../components/query-state';
import type { Me } from '../../lib/api-types';
import { isUnauthorized } from '../../lib/errors';
import { onSessionEnded, sessionHint } from '../../lib/session-events';
import { HANDLES_UNAUTHORIZED, trpc } from '../../lib/trpc';
import { signInPath } from '../layout/nav-items';

const SessionContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe() is only available inside <SessionGate>');
  return me;
}

export function SessionGate({ children }: { children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const here = `${location.pathname}${location.search}`;
  // Its own UNAUTHORIZED is handled below: it may mean "never signed in" as well as "session ended".
  const me = useQuery(trpc.me.get.queryOptions(undefined, { ...HANDLES_UNAUTHORIZED, staleTime: 30_000 }));
  const ended = useRef(false);

  useEffect(
    () =>
      onSessionEnded(() => {
        // Several calls notice at once; one trip to the sign-in page is enough.
        if (ended.current) return;
        ended.current = true;
        // What was loaded belongs to the session that ended; the sign-in page must not find it and think the
        // user is still signed in.
        void queryClient.cancelQueries();
        queryClient.removeQueries({ queryKey: trpc.me.pathKey() });
        void navigate(signInPath('expired', here), { replace: true });
      }),
    [navigate, here, queryClient],
  );

  if (me.isPending) {
    return (
      <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }}>
        <LoadingState label="Checking your session…" />
      </Box>
    );
  }
  if (me.isError) {
    if (isUnauthorized(me.error)) {
      return <Navigate to={signInPath(sessionHint.present() ? 'expired' : null, here)} replace />;
    }
    return (
      <Box sx={{ maxWidth: 560, mx: 'auto', mt: 10, px: 2 }}>
        <ErrorState error={me.error} title="The hub did not answer" onRetry={() => void me.refetch()} />
      </Box>
    );
  }
  return <SessionContext.Provider value={me.data}>{children}</SessionContext.Provider>;
}
