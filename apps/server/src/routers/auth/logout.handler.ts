import { sessionCookieName } from '../../auth/cookies';
import { revokeSession } from '../../auth/sessions';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { actorOf } from '../../trpc/procedures';

/** Ends the current session on the server (not just in the browser) and removes the cookie. */
export function logoutHandler({ ctx }: HandlerOptions<AuthedContext>) {
  const { principal, services } = ctx;
  const revoked = principal.sessionId
    ? revokeSession(services.authDb, principal.did, principal.sessionId, services.clock())
    : false;
  ctx.response.clearCookie(sessionCookieName(services.publicUrl.secure), { path: '/' });
  services.audit.record(actorOf(principal), ctx.request, {
    action: 'auth.logout',
    outcome: 'success',
    targetType: 'session',
    targetId: principal.sessionId ?? null,
  });
  return { revoked };
}
