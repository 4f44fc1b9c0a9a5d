import { z } from 'zod';
import { credentialId } from './fields';

export const credentialIdInput = z.object({ id: credentialId }).strict();

export type CredentialIdInput = z.infer<typeof credentialIdInput>;
