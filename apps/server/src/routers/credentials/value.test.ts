import { decryptCredentialValue, Keyring, SECRET_MASK } from '@aigne-hub/core';
import { describe, expect, it } from 'vitest';
import { credentialValue, credentialValuePatch } from './fields';
import { maskedValue, storedValueForCreate, storedValueForUpdate } from './value';

const keyring = new Keyring([Buffer.alloc(32, 0x17)]);
const apiKey = 'sk-unit-0123456789abcdefghij';

describe('credential value schemas', () => {
  it('keeps ordinary plain fields such as an account id or a key id', () => {
    expect(
      credentialValue.parse({ api_key: apiKey, account_id: 'acct-42', key_id: 'k-1', region_hint: 'eu' }),
    ).toEqual({ api_key: apiKey, account_id: 'acct-42', key_id: 'k-1', region_hint: 'eu' });
  });

  it('trims secrets and keeps plain fields', () => {
    expect(credentialValue.parse({ api_key: ` ${apiKey}\n`, label: 'team a' })).toEqual({
      api_key: apiKey,
      label: 'team a',
    });
  });

  it.each([
    [{ api_key: '' }, 'api_key: must not be empty'],
    [{ access_key_id: 'akia-lower' }, 'access_key_id: must be an AWS access key id'],
    [{ api_key: apiKey, password: 'x' }, 'password: looks like a secret but would be stored in clear'],
    [{ api_key: apiKey, session_token: 'x' }, 'session_token: looks like a secret'],
    [{ api_key: apiKey, key: 'x' }, 'key: looks like a secret but would be stored in clear'],
    [{ api_key: apiKey, openai_keys: 'x' }, 'openai_keys: looks like a secret'],
    [{ api_key: apiKey, apiKey: 'x' }, 'apiKey: field names are lowercase letters'],
    [
      { api_key: apiKey, note: `sk-${'a'.repeat(30)}` },
      'note: holds something that looks like a key or token',
    ],
    [
      { api_key: apiKey, note: 'Bearer abcdefghijklmnop' },
      'note: holds something that looks like a key or token',
    ],
    [{ api_key: apiKey, 'Bad-Name': 'x' }, 'Bad-Name: field names are lowercase letters'],
    [{ api_key: apiKey, note: 5 }, 'note:'],
  ])('refuses %j', (value, message) => {
    const result = credentialValue.safeParse(value);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(issues).toContain(message);
  });

  it('lets a patch remove a plain field with null, but not a secret', () => {
    expect(credentialValuePatch.parse({ note: null })).toEqual({ note: null });
    expect(credentialValuePatch.safeParse({ api_key: null }).success).toBe(false);
  });
});

describe('storedValueForCreate', () => {
  it('encrypts api_key bound to the id, keeps plain fields', () => {
    const stored = storedValueForCreate(keyring, 'c1', 'api_key', { api_key: apiKey, label: 'x' });
    expect(stored.api_key).toMatch(/^v1:/);
    expect(stored.label).toBe('x');
    expect(decryptCredentialValue(keyring, 'c1', stored)).toEqual({ api_key: apiKey, label: 'x' });
    expect(() => decryptCredentialValue(keyring, 'c2', stored)).toThrow();
  });

  it('keeps access_key_id readable and encrypts the secret access key', () => {
    const stored = storedValueForCreate(keyring, 'c1', 'access_key_pair', {
      access_key_id: 'AKIAUNITTEST00000001',
      secret_access_key: 'unit/secret+key',
    });
    expect(stored.access_key_id).toBe('AKIAUNITTEST00000001');
    expect(stored.secret_access_key).toMatch(/^v1:/);
  });

  it.each([
    ['api_key', {}, 'An API key credential needs api_key'],
    [
      'api_key',
      { api_key: apiKey, access_key_id: 'AKIAUNITTEST00000001' },
      'An API key credential has no access_key_id',
    ],
    [
      'access_key_pair',
      { access_key_id: 'AKIAUNITTEST00000001' },
      'An access key pair credential needs secret_access_key',
    ],
    ['access_key_pair', { api_key: apiKey }, 'An access key pair credential has no api_key'],
  ] as const)('%s %j: %s', (type, value, message) => {
    expect(() => storedValueForCreate(keyring, 'c1', type, value)).toThrow(message);
  });
});

describe('storedValueForUpdate', () => {
  const stored = storedValueForCreate(keyring, 'c1', 'api_key', { api_key: apiKey, note: 'a' });

  it('keeps the stored envelope byte for byte when no secret is given', () => {
    const next = storedValueForUpdate(keyring, 'c1', 'api_key', stored, { note: 'b' });
    expect(next.value).toEqual({ api_key: stored.api_key, note: 'b' });
    expect(next.replacedSecrets).toEqual([]);
    expect(next.changedFields).toEqual(['note']);
  });

  it('re-encrypts a replaced secret and removes a nulled plain field', () => {
    const next = storedValueForUpdate(keyring, 'c1', 'api_key', stored, {
      api_key: 'sk-new-9876543210zyxw',
      note: null,
    });
    expect(next.value.api_key).not.toBe(stored.api_key);
    expect(decryptCredentialValue(keyring, 'c1', next.value)).toEqual({ api_key: 'sk-new-9876543210zyxw' });
    expect(next.replacedSecrets).toEqual(['api_key']);
    expect(next.changedFields).toEqual(['api_key', 'note']);
  });

  it('refuses fields of the other type', () => {
    expect(() => storedValueForUpdate(keyring, 'c1', 'api_key', stored, { secret_access_key: 'x' })).toThrow(
      'An API key credential has no secret_access_key',
    );
  });
});

describe('maskedValue', () => {
  it('shows the decrypted value masked', () => {
    const stored = storedValueForCreate(keyring, 'c1', 'api_key', { api_key: apiKey, note: 'a' });
    expect(maskedValue(keyring, 'c1', stored)).toEqual({
      value: { api_key: `sk-u${SECRET_MASK}ghij`, note: 'a' },
      valueError: null,
    });
  });

  it('shows an undecryptable value as an error, never its stored text', () => {
    const stored = storedValueForCreate(keyring, 'c1', 'api_key', { api_key: apiKey, note: 'a' });
    const elsewhere = maskedValue(keyring, 'c2', stored);
    expect(elsewhere).toEqual({
      value: { api_key: SECRET_MASK, note: 'a' },
      valueError:
        'The secret cannot be decrypted with the configured keys (authentication_failed); enter it again',
    });
    const plaintext = maskedValue(keyring, 'c3', { api_key: apiKey });
    expect(plaintext.value).toEqual({ api_key: SECRET_MASK });
    expect(plaintext.valueError).toMatch(/^The secret cannot be decrypted/);
  });
});
