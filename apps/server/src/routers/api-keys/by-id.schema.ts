import { z } from 'zod';

export const apiKeyIdInput = z.object({ id: z.string().trim().min(1).max(100) }).strict();

export type ApiKeyIdInput = z.infer<typeof apiKeyIdInput>;

export const rotateApiKeyInput = apiKeyIdInput
  .extend({
    /** How long the old secret keeps working, in seconds (0: it stops at once). Default 24 hours. */
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600)
      .default(24 * 3600),
  })
  .strict();

export type RotateApiKeyInput = z.infer<typeof rotateApiKeyInput>;
