import { describe, expect, it } from 'vitest';
import { ForbiddenError, PreconditionFailedError } from '../errors';
import { checkRoleChange, type RoleChange } from './role-change';
import { ROLES } from './roles';

const change = (overrides: Partial<RoleChange>): RoleChange => ({
  actorRole: 'owner',
  from: 'guest',
  to: 'admin',
  ownerCount: 1,
  ...overrides,
});

describe('checkRoleChange', () => {
  it('lets an owner make any change that keeps an owner', () => {
    for (const from of ROLES) {
      for (const to of ROLES) {
        expect(() => checkRoleChange(change({ from, to, ownerCount: 2 }))).not.toThrow();
      }
    }
  });

  it('lets an admin move people between admin and guest', () => {
    expect(() => checkRoleChange(change({ actorRole: 'admin', from: 'guest', to: 'admin' }))).not.toThrow();
    expect(() => checkRoleChange(change({ actorRole: 'admin', from: 'admin', to: 'guest' }))).not.toThrow();
  });

  it('forbids an admin to touch the owner role', () => {
    expect(() =>
      checkRoleChange(change({ actorRole: 'admin', from: 'owner', to: 'admin', ownerCount: 2 })),
    ).toThrow(ForbiddenError);
    expect(() => checkRoleChange(change({ actorRole: 'admin', from: 'guest', to: 'owner' }))).toThrow(
      'Only an owner can grant or change the owner role',
    );
  });

  it('forbids guests any change', () => {
    expect(() => checkRoleChange(change({ actorRole: 'guest', from: 'guest', to: 'guest' }))).toThrow(
      ForbiddenError,
    );
  });

  it('never demotes the last owner, not even by themselves', () => {
    for (const to of ['admin', 'guest'] as const) {
      expect(() => checkRoleChange(change({ from: 'owner', to, ownerCount: 1 }))).toThrow(
        PreconditionFailedError,
      );
    }
    expect(() => checkRoleChange(change({ from: 'owner', to: 'owner', ownerCount: 1 }))).not.toThrow();
  });
});
