import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { ROLES, hasAtLeast, isAdmin, isRole, parseRole, roleRank, type Role } from './roles';

describe('roles', () => {
  it('lists exactly the three roles of the design, most powerful first', () => {
    expect(ROLES).toEqual(['owner', 'admin', 'guest']);
  });

  it('recognises only the exact role names', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of [
      'Owner',
      'ADMIN',
      ' guest',
      'guest ',
      '',
      'root',
      'user',
      null,
      undefined,
      0,
      {},
      ['admin'],
    ]) {
      expect(isRole(value)).toBe(false);
    }
  });

  it('parses a role or throws a ValidationError that does not echo the input', () => {
    expect(parseRole('admin')).toBe('admin');
    expect(() => parseRole('superuser')).toThrow(ValidationError);
    expect(() => parseRole('superuser')).toThrow('Unknown role; expected one of: owner, admin, guest');
    expect(() => parseRole(undefined)).toThrow(ValidationError);
  });

  it('treats owner and admin as admins, guest not', () => {
    expect(isAdmin('owner')).toBe(true);
    expect(isAdmin('admin')).toBe(true);
    expect(isAdmin('guest')).toBe(false);
  });

  it('ranks owner above admin above guest', () => {
    expect([roleRank('owner'), roleRank('admin'), roleRank('guest')]).toEqual([2, 1, 0]);
  });

  it('compares roles against a minimum over the full matrix', () => {
    const expected: Record<Role, Record<Role, boolean>> = {
      owner: { owner: true, admin: true, guest: true },
      admin: { owner: false, admin: true, guest: true },
      guest: { owner: false, admin: false, guest: true },
    };
    for (const role of ROLES) {
      for (const minimum of ROLES) {
        expect({ role, minimum, ok: hasAtLeast(role, minimum) }).toEqual({
          role,
          minimum,
          ok: expected[role][minimum],
        });
      }
    }
  });
});
