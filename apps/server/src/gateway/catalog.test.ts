import { describe, expect, it } from 'vitest';
import { modelAllowed } from './catalog';

describe('modelAllowed', () => {
  it('allows everything when the key names no models', () => {
    expect(modelAllowed(null, 'openai', 'gpt-4o')).toBe(true);
    expect(modelAllowed(undefined, 'openai', 'gpt-4o')).toBe(true);
  });

  it.each([
    [['openai/gpt-4o'], 'openai', 'gpt-4o', true],
    [['openai/gpt-4o'], 'openai', 'gpt-4o-mini', false],
    [['openai/gpt-4o'], 'azure', 'gpt-4o', false],
    [['openai/*'], 'openai', 'o3', true],
    [['openai/*'], 'anthropic', 'claude-sonnet-4', false],
    [['gpt-4o'], 'openrouter', 'gpt-4o', true],
    [['*'], 'bedrock', 'anything', true],
    [[], 'openai', 'gpt-4o', false],
    [['openrouter/anthropic/claude-3.5-sonnet'], 'openrouter', 'anthropic/claude-3.5-sonnet', true],
  ] as const)('%j allows %s/%s: %s', (allowed, provider, model, expected) => {
    expect(modelAllowed(allowed, provider, model)).toBe(expected);
  });
});
