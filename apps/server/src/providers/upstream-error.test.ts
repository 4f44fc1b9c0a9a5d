import { describe, expect, it } from 'vitest';
import {
  httpStatusOf,
  jsonErrorMessage,
  MAX_UPSTREAM_MESSAGE_LENGTH,
  networkErrorCode,
  safeUpstreamText,
  scrubSecrets,
} from './upstream-error';

describe('scrubSecrets', () => {
  const secret = 'k9Qz7TwX2mVb4Np8Lr6Hs3Jd';

  it('masks the whole secret and any 8+ character fragment of it', () => {
    expect(scrubSecrets(`bad key ${secret} given`, [secret])).toBe('bad key ******** given');
    expect(scrubSecrets(`bad key ${secret.slice(0, 12)}... given`, [secret])).toBe(
      'bad key ********... given',
    );
    expect(scrubSecrets(`tail ${secret.slice(-9)}`, [secret])).toBe('tail ********');
  });

  it('leaves fragments shorter than 8 characters and unrelated text alone', () => {
    expect(scrubSecrets(`ends with ${secret.slice(-7)}`, [secret])).toBe(`ends with ${secret.slice(-7)}`);
    expect(scrubSecrets('The server had an error', [secret])).toBe('The server had an error');
  });

  it('handles several secrets, short secrets and none', () => {
    const other = 'ZZZZ-other-secret-value';
    expect(scrubSecrets(`${secret} and ${other}`, [secret, other])).toBe('******** and ********');
    expect(scrubSecrets('abc abcdef', ['abcdef'])).toBe('abc ********');
    expect(scrubSecrets('abc', ['abc'])).toBe('abc');
    expect(scrubSecrets('text', [])).toBe('text');
  });
});

describe('safeUpstreamText', () => {
  it('scrubs the secret, redacts key-shaped strings, folds whitespace', () => {
    const own = 'plainsecretvalue1234';
    const text = `Incorrect API key provided: ${own}.\n  Also   sk-proj-${'a'.repeat(30)}`;
    const safe = safeUpstreamText(text, [own]);
    expect(safe).toBe(`Incorrect API key provided: ********. Also sk-p********aaaa`);
  });

  it('cuts long messages', () => {
    const safe = safeUpstreamText('x '.repeat(2000), []);
    expect(safe).toHaveLength(MAX_UPSTREAM_MESSAGE_LENGTH);
    expect(safe.endsWith('…')).toBe(true);
  });
});

describe('error shapes', () => {
  it('finds the status of stainless, Gemini and AWS errors', () => {
    expect(httpStatusOf({ status: 401 })).toBe(401);
    expect(httpStatusOf({ $metadata: { httpStatusCode: 403 } })).toBe(403);
    expect(httpStatusOf({ status: undefined })).toBeNull();
    expect(httpStatusOf(new Error('x'))).toBeNull();
    expect(httpStatusOf({ status: 42 })).toBeNull();
  });

  it('finds socket error codes in the cause chain', () => {
    const cause = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    expect(networkErrorCode(new Error('fetch failed', { cause: new Error('inner', { cause }) }))).toBe(
      'ECONNREFUSED',
    );
    expect(networkErrorCode({ code: 'invalid_api_key' })).toBeNull();
  });

  it('reads the message of JSON error bodies', () => {
    expect(jsonErrorMessage({ error: { message: 'bad key', type: 'x' } })).toBe('bad key');
    expect(jsonErrorMessage({ type: 'error', error: { type: 'auth', message: 'invalid x-api-key' } })).toBe(
      'invalid x-api-key',
    );
    expect(jsonErrorMessage('{"error":{"code":400,"message":"API key not valid."}}')).toBe(
      'API key not valid.',
    );
    expect(jsonErrorMessage('not json')).toBeNull();
    expect(jsonErrorMessage({ nothing: true })).toBeNull();
  });
});
