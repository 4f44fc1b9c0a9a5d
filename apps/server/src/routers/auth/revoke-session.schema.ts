import { z } from 'zod';

export const revokeSessionInput = z.object({ sessionId: z.string().trim().min(1).max(100) }).strict();

export type RevokeSessionInput = z.infer<typeof revokeSessionInput>;
