/**
 * Field rules shared by the providers schemas. Rules that do not depend on the kind live here (zod, with
 * messages that name the rule, never the value); the ones that do (a base URL required, a region only for
 * Bedrock) are checked against the registry by `checkEndpoint` in rules.ts.
 */
import { z } from 'zod';
import { normalizeBaseUrl, normalizeRegion } from '../../providers/index';

/** Runs a domain normaliser inside zod, turning its ValidationError into an issue with its message. */
function normalizedBy(normalize: (value: string) => string) {
  return (value: string, ctx: z.RefinementCtx) => {
    try {
      return normalize(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  };
}

export const providerId = z.string().trim().min(1, 'an id is required').max(100);

/** The `provider` half of `provider/model`: lowercase letters, digits, `.`, `_`, `-`; never a `/`. */
export const providerName = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(64, 'at most 64 characters')
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'lowercase letters, digits, ".", "_" and "-" only, starting with a letter or digit',
  );

export const displayName = z.string().trim().min(1, 'must not be empty').max(100);

export const baseUrl = z
  .string()
  .max(500, 'at most 500 characters')
  .transform(normalizedBy(normalizeBaseUrl));

export const region = z.string().max(32).transform(normalizedBy(normalizeRegion));
