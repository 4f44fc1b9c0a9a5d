import { z } from 'zod';

export const listApiKeysInput = z
  .object({
    /** Admins: whose keys (`all` for everyone's). Others may only list their own. */
    userDid: z.string().trim().min(1).max(200).optional(),
    includeRevoked: z.boolean().default(false),
  })
  .strict()
  .optional();

export type ListApiKeysInput = z.infer<typeof listApiKeysInput>;
