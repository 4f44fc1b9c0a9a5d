import { describe, expect, it } from 'vitest';
import { isSecretFieldName, nameWords } from './secret-names';

describe('nameWords', () => {
  it.each([
    ['apiKey', ['api', 'key']],
    ['APIKey', ['api', 'key']],
    ['X-API-Key', ['x', 'api', 'key']],
    ['secret_access_key', ['secret', 'access', 'key']],
    ['AWS_SECRET_ACCESS_KEY', ['aws', 'secret', 'access', 'key']],
    ['inputTokens', ['input', 'tokens']],
    ['client.secret', ['client', 'secret']],
    ['v2Token', ['v2', 'token']],
    ['__', []],
  ])('%s -> %j', (name, words) => {
    expect(nameWords(name)).toEqual(words);
  });
});

describe('isSecretFieldName', () => {
  it.each([
    'api_key',
    'apiKey',
    'APIKey',
    'apikey',
    'APIKEY',
    'x-api-key',
    'X-Api-Key',
    'x-goog-api-key',
    'secret',
    'client_secret',
    'clientSecret',
    'secret_access_key',
    'secretAccessKey',
    'aws_secret_access_key',
    'token',
    'access_token',
    'accessToken',
    'refresh_token',
    'session_token',
    'x-amz-security-token',
    'id_token',
    'password',
    'Password',
    'db.password',
    'passwd',
    'passphrase',
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'Cookie',
    'set-cookie',
    'Set-Cookie',
    'private_key',
    'privateKey',
    'credential',
    'credentials',
    'credential_value',
    'credentialsValue',
    'mnemonic',
    'sk',
  ])('%s is secret', (name) => {
    expect(isSecretFieldName(name)).toBe(true);
  });

  it.each([
    // usage numbers must stay readable
    'tokens',
    'inputTokens',
    'input_tokens',
    'outputTokens',
    'maxTokens',
    'max_tokens',
    'total_tokens',
    'token_count',
    'tokenCount',
    'completion_tokens',
    // names about a secret that are not the secret
    'token_type',
    'tokenType',
    'secret_name',
    'api_key_id',
    'apiKeyId',
    'access_key_id',
    'accessKeyId',
    'keyId',
    'key',
    'credentialId',
    'password_changed_at',
    'passwordSet',
    // ordinary fields
    'model',
    'provider',
    'region',
    'monkey',
    'skip',
    'task',
    '',
  ])('%s is not secret', (name) => {
    expect(isSecretFieldName(name)).toBe(false);
  });
});
