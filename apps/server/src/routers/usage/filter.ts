import { resolveUsageRange, type UsageFilter } from './aggregate';
import { MAX_RANGE_DAYS, type UsageSummaryInput } from './filters.schema';

/** The filter a report runs on: the resolved range (default last 30 days, at most 366) and any narrowing. */
export function filterOf(now: Date, input: UsageSummaryInput): UsageFilter {
  return {
    ...resolveUsageRange(now, input, MAX_RANGE_DAYS),
    userDid: input?.userDid,
    provider: input?.provider,
    model: input?.model,
    apiKeyId: input?.apiKeyId,
  };
}
