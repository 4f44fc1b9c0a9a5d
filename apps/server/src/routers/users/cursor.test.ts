import { ValidationError } from '@aigne-hub/core';
import { describe, expect, it } from 'vitest';
import { decodeUserCursor, encodeUserCursor } from './cursor';

describe('user cursor', () => {
  it('round-trips a position', () => {
    const cursor = { createdAtMs: 1_735_689_600_123, did: 'did:abt:z1Example' };
    const encoded = encodeUserCursor(cursor);
    expect(encoded).toBe(Buffer.from('[1735689600123,"did:abt:z1Example"]').toString('base64url'));
    expect(decodeUserCursor(encoded)).toEqual(cursor);
  });

  it('refuses anything that is not a cursor it made, with a ValidationError', () => {
    const bad = [
      'not base64 json',
      Buffer.from('{"createdAtMs":1,"did":"x"}').toString('base64url'),
      Buffer.from('[1.5,"did:abt:z1"]').toString('base64url'),
      Buffer.from('[1,""]').toString('base64url'),
      Buffer.from('[1,"a",3]').toString('base64url'),
      Buffer.from('["1","did"]').toString('base64url'),
    ];
    for (const value of bad) {
      expect(() => decodeUserCursor(value), value).toThrow(ValidationError);
    }
  });
});
