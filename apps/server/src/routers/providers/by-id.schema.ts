import { z } from 'zod';
import { providerId } from './fields';

export const providerIdInput = z.object({ id: providerId }).strict();

export type ProviderIdInput = z.infer<typeof providerIdInput>;
