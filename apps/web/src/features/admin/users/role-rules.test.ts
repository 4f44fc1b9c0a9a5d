import { checkRoleChange, ROLES } from '@aigne-hub/core';
import { describe, expect, it } from 'vitest';
import { mayManage, roleChoices } from './role-rules';

describe('roleChoices', () => {
  it('agrees with the hub on every change, for every actor, target and owner count', () => {
    for (const actor of ROLES) {
      for (const from of ROLES) {
        for (const ownerCount of [1, 2]) {
          for (const choice of roleChoices(actor, from, ownerCount)) {
            if (choice.role === from) continue;
            let hubAllows = true;
            let hubReason: string | null = null;
            try {
              checkRoleChange({ actorRole: actor, from, to: choice.role, ownerCount });
            } catch (error) {
              hubAllows = false;
              hubReason = (error as Error).message;
            }
            expect({
              actor,
              from,
              to: choice.role,
              ownerCount,
              allowed: choice.allowed,
              reason: choice.reason,
            }).toEqual({
              actor,
              from,
              to: choice.role,
              ownerCount,
              allowed: hubAllows,
              reason: hubReason,
            });
          }
        }
      }
    }
  });

  it('does not guess about the last owner when the owner count is unknown', () => {
    expect(roleChoices('owner', 'owner', null).every((choice) => choice.allowed)).toBe(true);
  });
});

describe('mayManage', () => {
  it('lets admins manage everyone but owners, and owners everyone', () => {
    expect(mayManage('admin', 'guest')).toBe(true);
    expect(mayManage('admin', 'admin')).toBe(true);
    expect(mayManage('admin', 'owner')).toBe(false);
    expect(mayManage('owner', 'owner')).toBe(true);
    expect(mayManage('guest', 'guest')).toBe(false);
  });
});
