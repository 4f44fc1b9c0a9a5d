import { ROLES } from '@aigne-hub/core';
import { z } from 'zod';
import { didSchema } from './by-did.schema';

export const setRoleInput = z
  .object({
    did: didSchema,
    role: z.enum(ROLES, { error: 'role must be owner, admin or guest' }),
  })
  .strict();

export type SetRoleInput = z.infer<typeof setRoleInput>;
