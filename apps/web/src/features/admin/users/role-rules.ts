/**
 * The owner rules (core rbac/role-change.ts `checkRoleChange`), applied ahead of time so the page offers only
 * the changes the hub would accept: an admin manages admins and guests, only an owner grants or changes the
 * owner role, and the last owner can never be demoted. The hub checks again; its refusal is shown if it differs.
 */
import type { RoleName } from '../../../lib/schemas';

export interface RoleChoice {
  role: RoleName;
  allowed: boolean;
  /** Why not, when not allowed. */
  reason: string | null;
}

export function roleChoices(
  actorRole: RoleName,
  targetRole: RoleName,
  ownerCount: number | null,
): RoleChoice[] {
  return (['owner', 'admin', 'guest'] as const).map((role) => {
    if (role === targetRole) return { role, allowed: true, reason: null };
    if (actorRole === 'guest')
      return { role, allowed: false, reason: 'Only owners and admins can change roles' };
    if ((targetRole === 'owner' || role === 'owner') && actorRole !== 'owner') {
      return { role, allowed: false, reason: 'Only an owner can grant or change the owner role' };
    }
    if (targetRole === 'owner' && ownerCount !== null && ownerCount <= 1) {
      return {
        role,
        allowed: false,
        reason: 'The last owner cannot be demoted; make another user owner first',
      };
    }
    return { role, allowed: true, reason: null };
  });
}

/** Whether the actor may do admin things to this user at all (ending sessions, credits) by the same rules. */
export function mayManage(actorRole: RoleName, targetRole: RoleName): boolean {
  return actorRole === 'owner' || (actorRole === 'admin' && targetRole !== 'owner');
}
