import { ROLES } from '@aigne-hub/core';
import { z } from 'zod';
import { pagingDirection } from '../audit-events/filters.schema';

export const listUsersInput = z
  .object({
    /** The `nextCursor` of the previous page; omit for the first page. */
    cursor: z.string().trim().min(1).max(500).optional(),
    direction: pagingDirection,
    limit: z.number().int().min(1, 'limit is at least 1').max(200, 'limit is at most 200').default(50),
    /** Prefix of the DID (with or without `did:abt:`) or of the name (case-insensitive). */
    search: z.string().trim().min(1).max(200).optional(),
    role: z.enum(ROLES, { error: 'role must be owner, admin or guest' }).optional(),
  })
  .strict()
  .optional();

export type ListUsersInput = z.infer<typeof listUsersInput>;
