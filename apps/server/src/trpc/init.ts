/**
 * `initTRPC` is called here and only here. Errors leave with a shape that never carries a stack (outside
 * development), a secret or an internal message: see the error formatter.
 */
import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import type { Context } from './context';

export interface ProcedureMeta {
  /**
   * Whether a hub API key (with the `api` scope) may call this procedure. Default true; false for what only a
   * person at a browser should do (minting keys, changing roles), so a leaked key cannot escalate.
   */
  apiKey?: boolean;
}

export const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const requestId = ctx?.request.requestId ?? null;
      const issues =
        error.cause instanceof ZodError
          ? error.cause.issues.map((issue) => ({
              path: issue.path.map(String).join('.'),
              message: issue.message,
            }))
          : undefined;
      let message = shape.message;
      if (error.code === 'INTERNAL_SERVER_ERROR')
        message = `Internal server error (request ${requestId ?? 'unknown'})`;
      else if (issues)
        message = `Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
      return {
        ...shape,
        message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          requestId,
          // Input validation: which fields failed and why (zod messages name rules, not values).
          issues,
        },
      };
    },
  });
