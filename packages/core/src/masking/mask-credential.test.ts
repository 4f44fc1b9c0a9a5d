import { describe, expect, it } from 'vitest';
import type { CredentialValue } from '../credential-fields';
import { maskCredentialValue } from './mask-credential';

describe('maskCredentialValue', () => {
  it('masks api_key and secret_access_key, keeps access_key_id and other plain fields', () => {
    const value: CredentialValue = {
      api_key: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
    };
    expect(maskCredentialValue(value)).toEqual({
      api_key: 'sk-p********6789',
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJal********EKEY',
      region: 'us-east-1',
    });
  });

  it('does not mutate its input', () => {
    const value: CredentialValue = { api_key: 'sk-0123456789abcdefghij', nested: { a: 1 } };
    const before = structuredClone(value);
    const masked = maskCredentialValue(value);
    expect(value).toEqual(before);
    expect(masked).not.toBe(value);
    expect(masked.api_key).toBe('sk-0********ghij');
  });

  it('leaves absent and null secret fields as they are and hides non-string ones', () => {
    expect(maskCredentialValue({ access_key_id: 'AKIA' })).toEqual({ access_key_id: 'AKIA' });
    expect(maskCredentialValue({ api_key: null } as unknown as CredentialValue)).toEqual({ api_key: null });
    expect(maskCredentialValue({ api_key: 12345 } as unknown as CredentialValue)).toEqual({
      api_key: '********',
    });
    expect(maskCredentialValue({ secret_access_key: { raw: 'x' } } as unknown as CredentialValue)).toEqual({
      secret_access_key: '********',
    });
  });

  it('masks a short key without its head', () => {
    expect(maskCredentialValue({ api_key: 'ollama' })).toEqual({ api_key: '********a' });
  });
});
