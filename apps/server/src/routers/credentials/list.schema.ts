import { z } from 'zod';

export const listCredentialsInput = z
  .object({
    /** Only this provider's credentials. */
    providerId: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .optional();

export type ListCredentialsInput = z.infer<typeof listCredentialsInput>;
