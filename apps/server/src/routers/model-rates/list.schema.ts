import { MODEL_TYPES } from '@aigne-hub/db';
import { z } from 'zod';
import { providerName } from './fields';

export const listModelRatesInput = z
  .object({
    provider: providerName.optional(),
    type: z.enum(MODEL_TYPES).optional(),
    /** Only enabled (or only disabled) rates; default both. */
    enabled: z.boolean().optional(),
  })
  .strict()
  .optional();

export type ListModelRatesInput = z.infer<typeof listModelRatesInput>;
