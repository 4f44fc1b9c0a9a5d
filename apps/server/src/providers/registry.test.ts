import { PROVIDER_KINDS } from '@aigne-hub/db';
import { describe, expect, it } from 'vitest';
import { effectiveBaseUrl, providerSpec, providerSpecs } from './registry';

describe('provider registry', () => {
  it('has one spec per kind, in kind order', () => {
    expect(providerSpecs().map((spec) => spec.kind)).toEqual([...PROVIDER_KINDS]);
  });

  it.each([
    ['openai', 'https://api.openai.com/v1', 'openai', 'api_key'],
    ['anthropic', 'https://api.anthropic.com', 'anthropic', 'api_key'],
    ['google', 'https://generativelanguage.googleapis.com', 'gemini', 'api_key'],
    ['deepseek', 'https://api.deepseek.com', 'openai', 'api_key'],
    ['xai', 'https://api.x.ai/v1', 'openai', 'api_key'],
    ['openrouter', 'https://openrouter.ai/api/v1', 'openai', 'api_key'],
    ['ollama', 'http://localhost:11434/v1', 'openai', 'api_key'],
    ['bedrock', null, 'bedrock', 'access_key_pair'],
    ['openai-compatible', null, 'openai', 'api_key'],
  ] as const)('%s: default %s, wire %s, credential %s', (kind, base, wire, credential) => {
    const spec = providerSpec(kind);
    expect(spec.defaultBaseUrl).toBe(base);
    expect(spec.wireFormat).toBe(wire);
    expect(spec.credentialType).toBe(credential);
    expect(spec.credentialOptional).toBe(kind === 'ollama');
    expect(spec.requiresRegion).toBe(kind === 'bedrock');
    expect(spec.requiresBaseUrl).toBe(kind === 'openai-compatible');
  });

  it('resolves the effective base URL', () => {
    expect(effectiveBaseUrl({ kind: 'openai', baseUrl: null, region: null })).toBe(
      'https://api.openai.com/v1',
    );
    expect(effectiveBaseUrl({ kind: 'openai', baseUrl: 'http://proxy/v1', region: null })).toBe(
      'http://proxy/v1',
    );
    expect(effectiveBaseUrl({ kind: 'bedrock', baseUrl: null, region: 'eu-west-3' })).toBe(
      'https://bedrock.eu-west-3.amazonaws.com',
    );
    expect(() => effectiveBaseUrl({ kind: 'openai-compatible', baseUrl: null, region: null })).toThrow(
      'OpenAI-compatible providers need a base URL',
    );
  });
});
