import { z } from 'zod';
import { providerId } from './fields';

export const setProviderEnabledInput = z.object({ id: providerId, enabled: z.boolean() }).strict();

export type SetProviderEnabledInput = z.infer<typeof setProviderEnabledInput>;
