import { NotFoundError } from '@aigne-hub/core';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { adjustCredits, findUser, fromMicroCredits, toMicroCredits } from '../../users/users';
import type { GrantCreditsInput } from './grant-credits.schema';
import { findUserView } from './view';

/**
 * Adds credits to (or, with a negative amount, removes credits from) a user's balance. The ledger row
 * (`credit_transactions`: `grant` or `adjustment`), the balance and the audit event commit together. A removal
 * that would take the balance below zero is a ValidationError and changes nothing: the balance check is part of
 * the UPDATE itself, so two concurrent removals cannot both pass it.
 */
export function grantCreditsHandler({ ctx, input }: HandlerOptions<AuthedContext, GrantCreditsInput>) {
  const { principal, services } = ctx;
  const now = services.clock();
  const amountMicro = toMicroCredits(input.amount);
  return writeTransaction(services.hubDb, (tx) => {
    const before = findUser(tx, input.did);
    if (!before) throw new NotFoundError('No user with that DID');
    const { balance } = adjustCredits(tx, {
      did: input.did,
      amountMicro,
      kind: amountMicro > 0 ? 'grant' : 'adjustment',
      reason: input.reason,
      actorDid: principal.did,
    });
    services.audit.append(tx, actorOf(principal), ctx.request, {
      action: 'users.grantCredits',
      outcome: 'success',
      targetType: 'user',
      targetId: input.did,
      details: {
        amount: input.amount,
        reason: input.reason,
        before: { credits: fromMicroCredits(before.credits) },
        after: { credits: fromMicroCredits(balance) },
      },
    });
    return { user: findUserView(tx, input.did, now)!, amount: input.amount };
  });
}
