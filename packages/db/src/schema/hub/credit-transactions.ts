import { check, index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isInteger, oneOf } from '../checks';
import { createdAt, microCredits } from '../columns';

export const CREDIT_TRANSACTION_KINDS = ['grant', 'charge', 'refund', 'initial', 'adjustment'] as const;
export type CreditTransactionKind = (typeof CREDIT_TRANSACTION_KINDS)[number];

/**
 * The credit ledger: every change to a user's balance, with the balance it left behind. A history table
 * like `usage_records`: ids without foreign keys, so the ledger is never rewritten by a deletion elsewhere.
 */
export const creditTransactions = sqliteTable(
  'credit_transactions',
  {
    id: text('id').primaryKey(),
    userDid: text('user_did').notNull(),
    /** Signed change in INTEGER micro-credits (1 credit = 1,000,000) so that sums are exact; charges are negative. */
    amount: microCredits('amount'),
    kind: text('kind', { enum: CREDIT_TRANSACTION_KINDS }).notNull(),
    /** The usage record a charge or refund is for; NULL for grants and adjustments. */
    usageRecordId: text('usage_record_id'),
    reason: text('reason'),
    /** Who granted or adjusted; NULL for charges made by the gateway itself. */
    actorDid: text('actor_did'),
    createdAt: createdAt(),
    /** The user's balance right after this transaction, in INTEGER micro-credits (exact, see `amount`). */
    balanceAfter: microCredits('balance_after'),
  },
  (t) => [
    index('credit_transactions_user_did_created_at_idx').on(t.userDid, t.createdAt),
    index('credit_transactions_usage_record_id_idx').on(t.usageRecordId),
    check('credit_transactions_kind_check', oneOf(t.kind, CREDIT_TRANSACTION_KINDS)),
    check('credit_transactions_amount_check', isInteger(t.amount)),
    check('credit_transactions_balance_after_check', isInteger(t.balanceAfter)),
  ],
);

export type CreditTransaction = typeof creditTransactions.$inferSelect;
export type NewCreditTransaction = typeof creditTransactions.$inferInsert;
