import { z } from 'zod';
import { baseUrl, displayName, providerId, providerName, region } from './fields';

/** Every field but `id` is optional: what is omitted stays as it is. The kind cannot change. */
export const updateProviderInput = z
  .object({
    id: providerId,
    /** Renaming moves the provider's model rates with it, in the same transaction. */
    name: providerName.optional(),
    displayName: displayName.optional(),
    /** null: back to the kind's default endpoint. */
    baseUrl: baseUrl.nullable().optional(),
    region: region.optional(),
  })
  .strict();

export type UpdateProviderInput = z.infer<typeof updateProviderInput>;
