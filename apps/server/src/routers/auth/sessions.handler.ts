import { listSessions } from '../../auth/sessions';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';

/** The caller's own live sessions; the token hash never leaves the server. */
export function sessionsHandler({ ctx }: HandlerOptions<AuthedContext>) {
  const { principal, services } = ctx;
  return listSessions(services.authDb, principal.did, services.clock(), services.settings.get().sessions).map(
    (session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      ip: session.ip,
      userAgent: session.userAgent,
      current: session.id === principal.sessionId,
    }),
  );
}
