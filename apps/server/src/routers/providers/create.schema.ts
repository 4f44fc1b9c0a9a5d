import { PROVIDER_KINDS } from '@aigne-hub/db';
import { z } from 'zod';
import { baseUrl, displayName, providerName, region } from './fields';

export const createProviderInput = z
  .object({
    kind: z.enum(PROVIDER_KINDS, { message: `must be one of ${PROVIDER_KINDS.join(', ')}` }),
    name: providerName,
    /** Defaults to the kind's label ("OpenAI", "Amazon Bedrock"...). */
    displayName: displayName.optional(),
    /** Defaults to the kind's own endpoint; required for openai-compatible. */
    baseUrl: baseUrl.optional(),
    /** Bedrock only, and required there. */
    region: region.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export type CreateProviderInput = z.infer<typeof createProviderInput>;
