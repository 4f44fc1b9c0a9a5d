import { login } from '../../auth/login';
import { assertStandaloneSignIn } from '../../blocklet/mode';
import { sessionCookieName, sessionCookieOptions } from '../../auth/cookies';
import type { Context } from '../../trpc/context';
import type { HandlerOptions } from '../../trpc/types';
import { fromMicroCredits } from '../../users/users';
import type { LoginInput } from './login.schema';

/**
 * Signs in with a wallet signature. The session token goes into an HttpOnly cookie for browsers and is also
 * returned once, for programs that send it as `Authorization: Bearer`.
 */
export async function loginHandler({ ctx, input }: HandlerOptions<Context, LoginInput>) {
  assertStandaloneSignIn(ctx.services.env);
  const result = await login(ctx.services, input, ctx.request);
  const secure = ctx.services.publicUrl.secure;
  ctx.response.setCookie(
    sessionCookieName(secure),
    result.token,
    sessionCookieOptions(secure, result.session.expiresAt),
  );
  return {
    token: result.token,
    expiresAt: result.session.expiresAt.toISOString(),
    becameOwner: result.becameOwner,
    user: { did: result.user.did, role: result.user.role, credits: fromMicroCredits(result.user.credits) },
  };
}
