/**
 * Users: created on first sign-in, with the starting credits the settings grant; roles changed under the owner
 * rules (core `checkRoleChange`); credits granted through the ledger. Domain code: callers pass a transaction
 * and write the audit event in it.
 */
import { randomUUID } from 'node:crypto';
import { checkRoleChange, ForbiddenError, NotFoundError, ValidationError, type Role } from '@aigne-hub/core';
import {
  and,
  count,
  creditTransactions,
  eq,
  MICRO_CREDITS_PER_CREDIT,
  sql,
  users,
  type HubDatabase,
  type HubTransaction,
  type User,
} from '@aigne-hub/db';

type Tx = HubDatabase | HubTransaction;

/** Credits (a decimal number of whole credits) to integer micro-credits, refusing what cannot be exact. */
export function toMicroCredits(credits: number): number {
  const micro = Math.round(credits * MICRO_CREDITS_PER_CREDIT);
  if (!Number.isSafeInteger(micro)) throw new ValidationError('Credit amount is out of range');
  return micro;
}

export function fromMicroCredits(micro: number): number {
  return micro / MICRO_CREDITS_PER_CREDIT;
}

export function findUser(tx: Tx, did: string): User | undefined {
  return tx.select().from(users).where(eq(users.did, did)).get();
}

export function ownerCount(tx: Tx): number {
  return tx.select({ n: count() }).from(users).where(eq(users.role, 'owner')).get()?.n ?? 0;
}

/**
 * Finds the user or creates them as a guest with `newUserCredits` (recorded in the ledger as `initial`).
 * Also refreshes `lastSeenAt`.
 */
export function ensureUser(
  tx: HubTransaction,
  did: string,
  newUserCredits: number,
  now: Date,
): { user: User; created: boolean } {
  const existing = findUser(tx, did);
  if (existing) {
    tx.update(users).set({ lastSeenAt: now }).where(eq(users.did, did)).run();
    return { user: { ...existing, lastSeenAt: now }, created: false };
  }
  const credits = toMicroCredits(newUserCredits);
  const user = tx.insert(users).values({ did, role: 'guest', credits, lastSeenAt: now }).returning().get();
  if (credits > 0) {
    tx.insert(creditTransactions)
      .values({
        id: randomUUID(),
        userDid: did,
        amount: credits,
        kind: 'initial',
        reason: 'credits for new users',
        balanceAfter: credits,
      })
      .run();
  }
  return { user, created: true };
}

/** Changes a role under the owner rules; returns the previous role. */
export function setRole(
  tx: HubTransaction,
  actorRole: Role,
  targetDid: string,
  to: Role,
): { from: Role; user: User } {
  const target = findUser(tx, targetDid);
  if (!target) throw new NotFoundError('No user with that DID');
  checkRoleChange({ actorRole, from: target.role, to, ownerCount: ownerCount(tx) });
  const user = tx.update(users).set({ role: to }).where(eq(users.did, targetDid)).returning().get();
  return { from: target.role, user };
}

/**
 * Adds (or with a negative amount, removes) credits, atomically, recording the ledger entry. A removal never
 * takes a balance below zero.
 */
export function adjustCredits(
  tx: HubTransaction,
  input: {
    did: string;
    amountMicro: number;
    kind: 'grant' | 'adjustment';
    reason: string | null;
    actorDid: string;
  },
): { balance: number } {
  const updated = tx
    .update(users)
    .set({ credits: sql`${users.credits} + ${input.amountMicro}` })
    .where(
      and(
        eq(users.did, input.did),
        input.amountMicro < 0 ? sql`${users.credits} + ${input.amountMicro} >= 0` : undefined,
      ),
    )
    .returning({ credits: users.credits })
    .get();
  if (!updated) {
    if (!findUser(tx, input.did)) throw new NotFoundError('No user with that DID');
    throw new ValidationError('That would take the balance below zero');
  }
  tx.insert(creditTransactions)
    .values({
      id: randomUUID(),
      userDid: input.did,
      amount: input.amountMicro,
      kind: input.kind,
      reason: input.reason,
      actorDid: input.actorDid,
      balanceAfter: updated.credits,
    })
    .run();
  return { balance: updated.credits };
}

/** The role a user has right now, read inside the caller's transaction (null when the user is gone). */
export function currentRole(tx: Tx, did: string): Role | null {
  return findUser(tx, did)?.role ?? null;
}

/**
 * Hands the owner role from `fromDid` to `toDid` in one transaction: the target becomes owner first, then the
 * caller steps down to admin, so the hub has an owner at every point and the owner rules (`checkRoleChange`)
 * hold for both steps. NOT_FOUND for an unknown target is decided before the caller's role is checked.
 */
export function transferOwnership(
  tx: HubTransaction,
  fromDid: string,
  toDid: string,
): { targetFrom: Role; callerFrom: Role } {
  const target = findUser(tx, toDid);
  if (!target) throw new NotFoundError('No user with that DID');
  const callerRole = currentRole(tx, fromDid);
  if (callerRole !== 'owner') throw new ForbiddenError('Only the owner can transfer ownership');
  if (toDid === fromDid) throw new ValidationError('You already own the hub; choose another user');
  const promoted = setRole(tx, callerRole, toDid, 'owner');
  setRole(tx, callerRole, fromDid, 'admin');
  return { targetFrom: promoted.from, callerFrom: callerRole };
}
