import type { Context } from '../../trpc/context';
import type { HandlerOptions } from '../../trpc/types';
import { ownerCount } from '../../users/users';

/**
 * Whether the hub still waits for its first owner (the sign-in page then asks for the setup code). Never under
 * Blocklet Server, whose owners are the hub's owners.
 */
export function setupStatusHandler({ ctx }: HandlerOptions<Context>) {
  const { services } = ctx;
  return {
    needsOwner: !services.env.blocklet && ownerCount(services.hubDb) === 0,
    domain: services.publicUrl.domain,
  };
}
