import { z } from 'zod';
import { didSchema } from '../users/by-did.schema';

/** The longest range one report may cover. */
export const MAX_RANGE_DAYS = 366;

/** Filters every usage report takes; all optional. */
const filterFields = {
  /** Start of the range (inclusive), ISO-8601; default 30 days before `until`. */
  since: z.iso.datetime({ offset: true, error: 'since must be an ISO-8601 date-time' }).optional(),
  /** End of the range (exclusive), ISO-8601; default now. At most 366 days after `since`. */
  until: z.iso.datetime({ offset: true, error: 'until must be an ISO-8601 date-time' }).optional(),
  /** Only this user's usage. */
  userDid: didSchema.optional(),
  /** Only this provider's usage (`openai`, `anthropic`...). */
  provider: z.string().trim().min(1).max(100).optional(),
  /** Only this model's usage (as the provider names it). */
  model: z.string().trim().min(1).max(200).optional(),
  /** Only what this hub API key did. */
  apiKeyId: z.string().trim().min(1).max(100).optional(),
};

export const usageSummaryInput = z.object(filterFields).strict().optional();

export type UsageSummaryInput = z.infer<typeof usageSummaryInput>;

export const usageBreakdownInput = z
  .object({
    ...filterFields,
    /** How many groups to return, biggest spenders first. */
    limit: z.number().int().min(1, 'limit is at least 1').max(1000, 'limit is at most 1000').default(100),
  })
  .strict()
  .optional();

export type UsageBreakdownInput = z.infer<typeof usageBreakdownInput>;
