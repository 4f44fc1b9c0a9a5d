import { DID_ABT_PREFIX } from '@aigne-hub/core';
import { z } from 'zod';

/**
 * A user's DID as stored (`did:abt:z...`); a bare ABT address (`z...`) is accepted and given the prefix, since
 * that is how wallets show it.
 */
export const didSchema = z
  .string()
  .trim()
  .min(1, 'a DID is required')
  .max(200, 'a DID is at most 200 characters')
  .transform((value) => (value.startsWith('did:') ? value : DID_ABT_PREFIX + value));

export const userDidInput = z.object({ did: didSchema }).strict();

export type UserDidInput = z.infer<typeof userDidInput>;
