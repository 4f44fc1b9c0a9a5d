import type { Context } from '../../trpc/context';
import type { HandlerOptions } from '../../trpc/types';
import { ownerCount } from '../../users/users';

/** Whether the hub still waits for its first owner (the sign-in page then asks for the setup code). */
export function setupStatusHandler({ ctx }: HandlerOptions<Context>) {
  return { needsOwner: ownerCount(ctx.services.hubDb) === 0, domain: ctx.services.publicUrl.domain };
}
