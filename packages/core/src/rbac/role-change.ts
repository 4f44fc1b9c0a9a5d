import { ForbiddenError, PreconditionFailedError } from '../errors';
import type { Role } from './roles';

export interface RoleChange {
  /** Role of whoever asks for the change (at the moment of asking). */
  actorRole: Role;
  /** The target's current role. */
  from: Role;
  /** The role asked for. */
  to: Role;
  /** How many owners the hub has now. */
  ownerCount: number;
}

/**
 * The owner rules of the design's role table, in one place:
 * - guests change no one's role;
 * - only an owner may make someone an owner or change an owner's role (an admin may manage admins and guests);
 * - the last owner can never be demoted, by anyone (themselves included), so a hub always has an owner.
 * Throws `ForbiddenError` when the actor may not make the change, `PreconditionFailedError` when nobody may.
 */
export function checkRoleChange(change: RoleChange): void {
  const { actorRole, from, to, ownerCount } = change;
  if (actorRole === 'guest') {
    throw new ForbiddenError('Only owners and admins can change roles');
  }
  if ((from === 'owner' || to === 'owner') && actorRole !== 'owner') {
    throw new ForbiddenError('Only an owner can grant or change the owner role');
  }
  if (from === 'owner' && to !== 'owner' && ownerCount <= 1) {
    throw new PreconditionFailedError('The last owner cannot be demoted; make another user owner first');
  }
}
