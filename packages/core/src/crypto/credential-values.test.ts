import { describe, expect, it } from 'vitest';
import { DecryptionError, ValidationError } from '../errors';
import {
  credentialValueKeyIds,
  decryptCredentialValue,
  encryptCredentialValue,
  reencryptCredentialValue,
} from './credential-values';
import { keyIdOf } from './envelope';
import { Keyring } from './keyring';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const keyring = new Keyring([KEY_A]);

const AWS = {
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
};

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionError) return error.reason;
    throw error;
  }
  throw new Error('expected a DecryptionError, but nothing was thrown');
}

describe('encryptCredentialValue', () => {
  it('keeps access_key_id and other fields plain and turns secrets into envelopes', () => {
    const stored = encryptCredentialValue(keyring, 'cred_1', AWS);
    expect(Object.keys(stored)).toEqual(['access_key_id', 'secret_access_key', 'region']);
    expect(stored.access_key_id).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(stored.region).toBe('us-east-1');
    expect(stored.secret_access_key).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(stored)).not.toContain('wJalrXUtnFEMI');
  });

  it('binds each secret to credentials:<id>:<field>', () => {
    const stored = encryptCredentialValue(keyring, 'cred_1', { api_key: 'sk-1' });
    expect(keyring.decrypt(stored.api_key as string, 'credentials:cred_1:api_key')).toBe('sk-1');
  });

  it('does not change the input and is JSON-safe', () => {
    const input = { ...AWS };
    const stored = encryptCredentialValue(keyring, 'cred_1', input);
    expect(input).toEqual(AWS);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });

  it('treats a secret set to undefined as absent', () => {
    expect(encryptCredentialValue(keyring, 'cred_1', { api_key: undefined, base_url: 'http://x' })).toEqual({
      base_url: 'http://x',
    });
  });

  it.each([
    ['a number', { api_key: 42 }],
    ['null', { secret_access_key: null }],
    ['an object', { api_key: { nested: 'sk' } }],
  ])('refuses a secret field holding %s', (_what, value) => {
    expect(() => encryptCredentialValue(keyring, 'cred_1', value as never)).toThrow(ValidationError);
  });

  it('refuses a credential id that is empty', () => {
    expect(() => encryptCredentialValue(keyring, '', { api_key: 'sk' })).toThrow(ValidationError);
  });
});

describe('decryptCredentialValue', () => {
  it('restores the exact value', () => {
    const stored = encryptCredentialValue(keyring, 'cred_1', { ...AWS, api_key: 'sk-ÄÖÜ-🔑' });
    expect(decryptCredentialValue(keyring, 'cred_1', stored)).toEqual({ ...AWS, api_key: 'sk-ÄÖÜ-🔑' });
  });

  it('fails when the stored value is moved to another credential', () => {
    const stored = encryptCredentialValue(keyring, 'cred_1', AWS);
    expect(reasonOf(() => decryptCredentialValue(keyring, 'cred_2', stored))).toBe('authentication_failed');
  });

  it('fails when one secret is swapped into the other field', () => {
    const stored = encryptCredentialValue(keyring, 'cred_1', { api_key: 'a', secret_access_key: 'b' });
    const swapped = { api_key: stored.secret_access_key, secret_access_key: stored.api_key };
    expect(reasonOf(() => decryptCredentialValue(keyring, 'cred_1', swapped))).toBe('authentication_failed');
  });

  it.each([
    ['plain text', { api_key: 'sk-plain' }, 'malformed'],
    ['a legacy ciphertext', { api_key: 'U2FsdGVkX18XYqaAh6v08vxOxk5PNi1EQRLTGsyyqcI=' }, 'malformed'],
    ['a number', { secret_access_key: 7 }, 'malformed'],
    ['null', { api_key: null }, 'malformed'],
  ])('never passes through a secret field holding %s', (_what, stored, reason) => {
    expect(reasonOf(() => decryptCredentialValue(keyring, 'cred_1', stored))).toBe(reason);
  });

  it('names the field (and nothing secret) in the error', () => {
    expect(() => decryptCredentialValue(keyring, 'cred_1', { api_key: 'sk-plain' })).toThrow(
      /^Credential field api_key: /,
    );
    expect(() => decryptCredentialValue(keyring, 'cred_1', { api_key: 'sk-plain' })).not.toThrow(/sk-plain/);
  });
});

describe('rotation of credential values', () => {
  it('lists key ids, reencrypts to the active key and keeps plain fields', () => {
    const old = encryptCredentialValue(keyring, 'cred_1', { ...AWS, api_key: 'sk-1' });
    expect(credentialValueKeyIds(old)).toEqual([keyring.activeKeyId]);

    const rotated = new Keyring([KEY_B, KEY_A]);
    expect(credentialValueKeyIds(old)).not.toContain(rotated.activeKeyId);
    const moved = reencryptCredentialValue(rotated, 'cred_1', old);
    expect(credentialValueKeyIds(moved)).toEqual([rotated.activeKeyId]);
    expect(keyIdOf(moved.secret_access_key as string)).toBe(rotated.activeKeyId);
    expect(moved.access_key_id).toBe(AWS.access_key_id);
    expect(moved.region).toBe(AWS.region);
    expect(decryptCredentialValue(new Keyring([KEY_B]), 'cred_1', moved)).toEqual({
      ...AWS,
      api_key: 'sk-1',
    });
  });

  it('lists both key ids of a half-rotated value, and none for a value without secrets', () => {
    const mixed = {
      api_key: new Keyring([KEY_A]).encrypt('a', 'credentials:c:api_key'),
      secret_access_key: new Keyring([KEY_B]).encrypt('b', 'credentials:c:secret_access_key'),
    };
    expect(credentialValueKeyIds(mixed)).toEqual([
      new Keyring([KEY_A]).activeKeyId,
      new Keyring([KEY_B]).activeKeyId,
    ]);
    expect(credentialValueKeyIds({ base_url: 'http://localhost' })).toEqual([]);
  });

  it('refuses to reencrypt a value moved from another credential', () => {
    const old = encryptCredentialValue(keyring, 'cred_1', { api_key: 'sk-1' });
    expect(reasonOf(() => reencryptCredentialValue(new Keyring([KEY_B, KEY_A]), 'cred_2', old))).toBe(
      'authentication_failed',
    );
  });

  it('refuses to list key ids of a secret that is not an envelope', () => {
    expect(reasonOf(() => credentialValueKeyIds({ api_key: 'sk-plain' }))).toBe('malformed');
  });
});
