import { NotFoundError } from '@aigne-hub/core';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findUser, fromMicroCredits } from '../../users/users';

/** Who the caller is, as the hub sees them right now. */
export function getHandler({ ctx }: HandlerOptions<AuthedContext>) {
  const { principal, services } = ctx;
  const user = findUser(services.hubDb, principal.did);
  if (!user) throw new NotFoundError('Your user record is gone');
  return {
    did: user.did,
    name: user.name,
    role: principal.role,
    credits: fromMicroCredits(user.credits),
    via: principal.via,
    keyId: principal.keyId ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}
