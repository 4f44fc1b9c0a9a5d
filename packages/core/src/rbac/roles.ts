import { ValidationError } from '../errors';

/**
 * The three roles of a hub, from the design's role table (shared/DESIGN.md, "Roles"):
 *
 * | role  | may                                                                                  |
 * |-------|--------------------------------------------------------------------------------------|
 * | owner | everything; transfer ownership; the last owner cannot be demoted or removed          |
 * | admin | everything an owner may, but change an owner                                         |
 * | guest | Playground, the AI API, their own API keys, usage, credits and sessions              |
 *
 * Listed from most to least powerful; the order is the rank, so there is one source of truth.
 */
export const ROLES = ['owner', 'admin', 'guest'] as const;

export type Role = (typeof ROLES)[number];

/** True for exactly the three role names: the check used on anything read from a database, a header or a form. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * A role from untrusted input, or a `ValidationError`. Strict on purpose: no trimming, no case folding, so a
 * stored `"Admin"` is caught as corrupt data instead of silently granting admin rights.
 */
export function parseRole(value: unknown): Role {
  if (!isRole(value)) {
    throw new ValidationError(`Unknown role; expected one of: ${ROLES.join(', ')}`);
  }
  return value;
}

/** Owners and admins reach the admin app; guests never do (the `adminProcedure` gate). */
export function isAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/** A number that orders roles by power: owner 2 > admin 1 > guest 0. Only compare ranks, never store them. */
export function roleRank(role: Role): number {
  return ROLES.length - 1 - ROLES.indexOf(role);
}

/** Whether `role` is at least as powerful as `minimum`, e.g. `hasAtLeast(role, 'admin')` for admin-only actions. */
export function hasAtLeast(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}
