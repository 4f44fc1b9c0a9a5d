import { z } from 'zod';

export const modelRateIdInput = z
  .object({ id: z.string().trim().min(1, 'an id is required').max(100) })
  .strict();

export type ModelRateIdInput = z.infer<typeof modelRateIdInput>;
