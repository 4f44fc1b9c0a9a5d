import { z } from 'zod';

export const usageRangeInput = z
  .object({
    /** Start of the range (inclusive), ISO-8601; default 30 days ago. */
    since: z.iso.datetime({ offset: true }).optional(),
    /** End of the range (exclusive), ISO-8601; default now. */
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .optional();

export type UsageRangeInput = z.infer<typeof usageRangeInput>;
