import { z } from 'zod';
import { credentialId } from './fields';

export const setCredentialEnabledInput = z.object({ id: credentialId, enabled: z.boolean() }).strict();

export type SetCredentialEnabledInput = z.infer<typeof setCredentialEnabledInput>;
