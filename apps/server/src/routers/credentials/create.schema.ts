import { z } from 'zod';
import { credentialName, credentialValue, weight } from './fields';

/** The credential's type follows from its provider's kind (API key; access key pair for Bedrock). */
export const createCredentialInput = z
  .object({
    providerId: z.string().trim().min(1, 'a provider id is required').max(100),
    name: credentialName,
    value: credentialValue,
    weight: weight.default(100),
    enabled: z.boolean().default(true),
  })
  .strict();

export type CreateCredentialInput = z.infer<typeof createCredentialInput>;
