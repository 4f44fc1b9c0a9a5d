/**
 * The only place that decides who may call what. Routers build every procedure from one of these builders and
 * never from `t.procedure`; a procedure built otherwise does not exist as far as the role-matrix test is
 * concerned, and fails it.
 *
 *   publicProcedure  -> anyone (credentials, if presented, are still resolved)
 *   authedProcedure  -> a principal (UNAUTHORIZED otherwise); an API key needs the `api` scope and the
 *                       procedure's `apiKey` meta not false (FORBIDDEN otherwise)
 *   adminProcedure   -> role owner or admin (FORBIDDEN otherwise)
 *   ownerProcedure   -> role owner (FORBIDDEN otherwise)
 *
 * Every refusal is audited as `denied` with the procedure path as its action.
 */
import { hasAtLeast, type Role } from '@aigne-hub/core';
import { TRPCError } from '@trpc/server';
import type { AuditActor } from '../audit/audit-trail';
import { originAllowed } from '../auth/origin';
import { hasScope, type Principal } from '../auth/principal';
import type { Context } from './context';
import { retryAfterOf, toTRPCError } from './errors';
import { t } from './init';

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export function actorOf(principal: Principal | null): AuditActor {
  return principal
    ? { did: principal.did, role: principal.role, via: principal.via }
    : { did: null, role: null, via: null };
}

function deny(
  ctx: Context,
  path: string,
  code: 'UNAUTHORIZED' | 'FORBIDDEN',
  reason: string,
  message: string,
): never {
  ctx.services.audit.record(actorOf(ctx.principal), ctx.request, {
    action: path,
    outcome: 'denied',
    reason,
    targetType: 'procedure',
    targetId: path,
    details: ctx.principal?.keyId
      ? { keyId: ctx.principal.keyId }
      : ctx.authFailure?.keyId
        ? { keyId: ctx.authFailure.keyId }
        : null,
  });
  throw new TRPCError({ code, message });
}

/** Outermost: maps domain errors (one place) and sets Retry-After on 429s. */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error) ?? result.error;
    const retryAfter = retryAfterOf(mapped);
    if (retryAfter !== null) ctx.response.setHeader('Retry-After', String(retryAfter));
    if (mapped !== result.error) throw mapped;
  }
  return result;
});

/** An address over its failure budget gets 429 for anything it sends with credentials. */
const rejectBlocked = t.middleware(({ ctx, next }) => {
  if (ctx.blocked) throw ctx.blocked;
  return next();
});

/** CSRF: a mutation riding on the session cookie must come from the hub's own origin. */
const checkOrigin = t.middleware(({ ctx, type, path, next }) => {
  if (type === 'mutation' && ctx.credentialSource === 'cookie') {
    const allowed = [
      ctx.services.publicUrl.origin,
      ...(ctx.request.ownOrigin ? [ctx.request.ownOrigin] : []),
    ];
    if (!originAllowed(ctx.request, allowed)) {
      deny(ctx, path, 'FORBIDDEN', 'cross-origin request', 'Cross-origin request refused');
    }
  }
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(rejectBlocked).use(checkOrigin);

export const authedProcedure = publicProcedure.use(({ ctx, meta, path, next }) => {
  const principal = ctx.principal;
  if (!principal) {
    const failure = ctx.authFailure;
    deny(
      ctx,
      path,
      'UNAUTHORIZED',
      failure ? `${failure.kind}: ${failure.reason}` : 'no credentials',
      failure?.message ?? 'Sign in first',
    );
  }
  if (principal.via === 'apiKey') {
    if (!hasScope(principal, 'api')) {
      deny(
        ctx,
        path,
        'FORBIDDEN',
        'api key without api scope',
        'This API key may only call the AI endpoints (no "api" scope)',
      );
    }
    if (meta?.apiKey === false) {
      deny(
        ctx,
        path,
        'FORBIDDEN',
        'api key not allowed',
        'This action needs a signed-in session, not an API key',
      );
    }
  }
  return next({ ctx: { ...ctx, principal } });
});

function requireRole(minimum: Role) {
  return t.middleware(({ ctx, path, next }) => {
    const principal = ctx.principal;
    if (!principal || !hasAtLeast(principal.role, minimum)) {
      deny(
        ctx,
        path,
        'FORBIDDEN',
        `role ${principal?.role ?? 'none'} below ${minimum}`,
        `This needs the ${minimum} role`,
      );
    }
    return next();
  });
}

export const adminProcedure = authedProcedure.use(requireRole('admin'));
export const ownerProcedure = authedProcedure.use(requireRole('owner'));
