import { types } from '@ocap/mcrypto';
import { fromRandom, WalletType } from '@ocap/wallet';
import { describe, expect, it } from 'vitest';
import { blockletLoginCookie, hubRoleOf, isJwtShaped, normalizeBlockletDid } from './session';

describe('hubRoleOf', () => {
  it('keeps owner and admin (with or without the blocklet- prefix) and makes every other role a guest', () => {
    const table: [string | null, string][] = [
      ['owner', 'owner'],
      ['admin', 'admin'],
      ['blocklet-owner', 'owner'],
      ['blocklet-admin', 'admin'],
      ['member', 'guest'],
      ['guest', 'guest'],
      ['blocklet-member', 'guest'],
      ['editor', 'guest'],
      ['Owner', 'guest'],
      ['owner ', 'guest'],
      ['sdk-owner', 'guest'],
      ['', 'guest'],
      [null, 'guest'],
    ];
    expect(table.map(([role]) => [role, hubRoleOf(role)])).toEqual(table);
  });
});

describe('normalizeBlockletDid', () => {
  it('stores an ABT address as did:abt:<address>, with or without the prefix', () => {
    const wallet = fromRandom();
    expect(normalizeBlockletDid(wallet.address)).toBe(`did:abt:${wallet.address}`);
    expect(normalizeBlockletDid(`did:abt:${wallet.address}`)).toBe(`did:abt:${wallet.address}`);
  });

  it('accepts any key type Blocklet Server vouches for, but never a malformed address', () => {
    const application = fromRandom(WalletType({ role: types.RoleType.ROLE_APPLICATION }));
    expect(normalizeBlockletDid(application.address)).toBe(`did:abt:${application.address}`);
    const address = fromRandom().address;
    const last = address.at(-1) === 'A' ? 'B' : 'A';
    expect(normalizeBlockletDid(`${address.slice(0, -1)}${last}`)).toBeNull();
    expect(normalizeBlockletDid('')).toBeNull();
    expect(normalizeBlockletDid('did:abt:')).toBeNull();
    expect(normalizeBlockletDid('0x0000000000000000000000000000000000000000')).toBeNull();
  });
});

describe('isJwtShaped', () => {
  it('tells login tokens from hub API keys and session tokens', () => {
    expect(isJwtShaped('eyJhbGciOiJIUzI1NiJ9.eyJkaWQiOiJ6In0.c2ln')).toBe(true);
    expect(isJwtShaped('eyJhbGciOiJub25lIn0.eyJkaWQiOiJ6In0.')).toBe(true);
    expect(isJwtShaped('ahk_0123456789abcdef')).toBe(false);
    expect(isJwtShaped('ahs_0123456789abcdef')).toBe(false);
    expect(isJwtShaped('a.b')).toBe(false);
    expect(isJwtShaped('a.b.c.d')).toBe(false);
    expect(isJwtShaped('a b.c.d')).toBe(false);
    expect(isJwtShaped(`${'a'.repeat(8190)}.b.`)).toBe(false);
  });
});

describe('blockletLoginCookie', () => {
  it('reads login_token in Blocklet mode only', () => {
    const cookies = { login_token: 'x.y.z', other: '1' };
    expect(blockletLoginCookie({ blocklet: { appEk: '0x01', did: 'z1' } }, cookies)).toBe('x.y.z');
    expect(blockletLoginCookie({ blocklet: { appEk: '0x01', did: 'z1' } }, {})).toBeNull();
    expect(blockletLoginCookie({ blocklet: undefined }, cookies)).toBeNull();
  });
});
