import { NotFoundError } from '@aigne-hub/core';
import { listSessions } from '../../auth/sessions';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { UserDidInput } from './by-did.schema';
import { findUserView } from './view';

/** One user as admins see them, with how many live browser sessions they have (for `revokeSessions`). */
export function byDidHandler({ ctx, input }: HandlerOptions<AuthedContext, UserDidInput>) {
  const { services } = ctx;
  const now = services.clock();
  const user = findUserView(services.hubDb, input.did, now);
  if (!user) throw new NotFoundError('No user with that DID');
  return {
    ...user,
    liveSessions: listSessions(services.authDb, user.did, now, services.settings.get().sessions).length,
  };
}
