import type { Principal } from '../auth/principal';
import type { Context } from './context';

/** What handlers of authed/admin/owner procedures receive: the principal is known. */
export type AuthedContext = Context & { principal: Principal };

export interface HandlerOptions<TCtx extends Context, TInput = undefined> {
  ctx: TCtx;
  input: TInput;
}
