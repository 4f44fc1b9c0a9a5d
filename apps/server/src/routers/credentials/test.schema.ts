import { z } from 'zod';
import { credentialId } from './fields';

export const testCredentialInput = z
  .object({
    id: credentialId,
    /**
     * How long to wait for the upstream, in ms. Default: the gateway's upstream timeout, at most 30 s (listing
     * models is quick; a test should not hang the admin's page). Never more than the gateway's timeout.
     */
    timeoutMs: z.number().int().min(100, 'at least 100 ms').max(600_000).optional(),
  })
  .strict();

export type TestCredentialInput = z.infer<typeof testCredentialInput>;
