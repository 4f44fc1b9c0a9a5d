import { describe, expect, it } from 'vitest';
import { modelTypeOf } from './aigne-catalog';

describe('modelTypeOf', () => {
  it.each([
    ['chat', 'chat'],
    ['chatCompletion', 'chat'],
    ['image', 'image'],
    ['imageGeneration', 'image'],
    ['embedding', 'embedding'],
    ['embeddings', 'embedding'],
  ])('reads %s as %s', (value, type) => {
    expect(modelTypeOf(value)).toBe(type);
  });

  it('is undefined (all types) when absent, and null for a type the hub has no models of', () => {
    expect(modelTypeOf(undefined)).toBeUndefined();
    expect(modelTypeOf('')).toBeUndefined();
    expect(modelTypeOf('video')).toBeNull();
    expect(modelTypeOf('constructor')).toBeNull();
  });
});
