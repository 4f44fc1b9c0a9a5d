import { PROVIDER_KINDS } from '@aigne-hub/db';
import { z } from 'zod';

export const listProvidersInput = z
  .object({
    kind: z.enum(PROVIDER_KINDS).optional(),
    /** Default true: admins manage disabled providers too. */
    includeDisabled: z.boolean().default(true),
  })
  .strict()
  .optional();

export type ListProvidersInput = z.infer<typeof listProvidersInput>;
