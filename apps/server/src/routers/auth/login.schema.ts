import { z } from 'zod';

export const loginInput = z
  .object({
    did: z.string().trim().min(1).max(200),
    /** Hex (0x optional) or base58btc, as the wallet produces it. */
    publicKey: z.string().trim().min(1).max(400),
    signature: z.string().trim().min(1).max(400),
    nonce: z.string().trim().min(1).max(100),
    /** The one-time owner setup code, to claim a hub that has no owner yet. */
    setupCode: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export type LoginInput = z.infer<typeof loginInput>;
