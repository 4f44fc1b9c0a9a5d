import { z } from 'zod';
import { credentialId, credentialName, credentialValuePatch, weight } from './fields';

/** Omitted fields keep their value; secret fields in `value` are replaced (see `credentialValuePatch`). */
export const updateCredentialInput = z
  .object({
    id: credentialId,
    name: credentialName.optional(),
    value: credentialValuePatch.optional(),
    weight: weight.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export type UpdateCredentialInput = z.infer<typeof updateCredentialInput>;
