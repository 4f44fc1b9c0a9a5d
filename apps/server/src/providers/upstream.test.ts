import { encryptCredentialValue, Keyring } from '@aigne-hub/core';
import { describe, expect, it } from 'vitest';
import { openCredential, secretStrings, upstreamTarget, withDeadline } from './upstream';

const keyring = new Keyring([Buffer.alloc(32, 0x42)]);

describe('openCredential', () => {
  it('decrypts an API key credential bound to its id', () => {
    const value = encryptCredentialValue(keyring, 'cred-1', { api_key: 'sk-test-abcdefghijklmnop' });
    expect(
      openCredential(keyring, { id: 'cred-1', type: 'api_key', value: value as Record<string, string> }),
    ).toEqual({ type: 'api_key', apiKey: 'sk-test-abcdefghijklmnop' });
  });

  it('decrypts an access key pair', () => {
    const value = encryptCredentialValue(keyring, 'cred-2', {
      access_key_id: 'AKIAEXAMPLE123456789',
      secret_access_key: 'secret/with+chars',
    }) as Record<string, string>;
    expect(value.access_key_id).toBe('AKIAEXAMPLE123456789');
    expect(openCredential(keyring, { id: 'cred-2', type: 'access_key_pair', value })).toEqual({
      type: 'access_key_pair',
      accessKeyId: 'AKIAEXAMPLE123456789',
      secretAccessKey: 'secret/with+chars',
    });
  });

  it('refuses a value moved to another row, plaintext, and incomplete values, without echoing them', () => {
    const value = encryptCredentialValue(keyring, 'cred-1', { api_key: 'sk-moved-0123456789' }) as Record<
      string,
      string
    >;
    const moved = () => openCredential(keyring, { id: 'cred-9', type: 'api_key', value });
    expect(moved).toThrow(
      'The credential cannot be decrypted with the configured keys; enter its secret again',
    );
    const plain = () =>
      openCredential(keyring, { id: 'cred-3', type: 'api_key', value: { api_key: 'sk-plain-0123456789' } });
    expect(plain).toThrow(expect.objectContaining({ kind: 'precondition_failed' }));
    expect(plain).not.toThrow(/sk-plain/);
    expect(() => openCredential(keyring, { id: 'cred-4', type: 'api_key', value: {} })).toThrow(
      'The credential is incomplete for its type (api_key)',
    );
  });
});

describe('upstreamTarget', () => {
  it('refuses a keyless call unless the kind allows it', () => {
    expect(upstreamTarget({ kind: 'ollama', baseUrl: null, region: null }, { type: 'none' })).toEqual({
      kind: 'ollama',
      baseUrl: 'http://localhost:11434/v1',
      region: null,
      secret: { type: 'none' },
    });
    expect(() => upstreamTarget({ kind: 'openai', baseUrl: null, region: null }, { type: 'none' })).toThrow(
      'OpenAI needs a credential',
    );
  });

  it('lists the secret strings to scrub (never the access key id)', () => {
    expect(secretStrings({ type: 'api_key', apiKey: 'k' })).toEqual(['k']);
    expect(secretStrings({ type: 'access_key_pair', accessKeyId: 'AKIA', secretAccessKey: 's' })).toEqual([
      's',
    ]);
    expect(secretStrings({ type: 'none' })).toEqual([]);
  });
});

describe('withDeadline', () => {
  it('returns the value in time, and says when the deadline ended the call', async () => {
    expect(await withDeadline(1_000, () => Promise.resolve(7))).toEqual({ value: 7, timedOut: false });
    const late = await withDeadline(
      50,
      ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    expect(late).toMatchObject({ timedOut: true });
    const failed = await withDeadline(1_000, () => Promise.reject(new Error('boom')));
    expect(failed).toMatchObject({ timedOut: false, error: new Error('boom') });
  });
});
