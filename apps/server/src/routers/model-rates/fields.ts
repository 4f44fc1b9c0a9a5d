import { z } from 'zod';
import { providerName } from '../providers/fields';

export { providerName };

/**
 * A model id as the provider spells it: `gpt-4o`, `claude-sonnet-4-5`, `anthropic/claude-3.5-sonnet`
 * (OpenRouter), `anthropic.claude-3-haiku-20240307-v1:0` (Bedrock). No spaces, no wildcards.
 */
export const modelName = z
  .string()
  .trim()
  .min(1, 'a model is required')
  .max(200, 'at most 200 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/,
    'letters, digits and . _ : / @ + - only, starting with a letter or digit',
  );

/** Credits per token: tiny fractions, never negative, never Infinity or NaN (zod refuses those). */
export const rate = z
  .number({ message: 'must be a number' })
  .min(0, 'must not be negative')
  .max(1_000_000, 'at most 1,000,000 credits per token');
