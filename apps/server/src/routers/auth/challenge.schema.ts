import { z } from 'zod';

export const challengeInput = z
  .object({
    /** The DID that will sign, when known: the challenge is then only valid for it. */
    did: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .optional();

export type ChallengeInput = z.infer<typeof challengeInput>;
