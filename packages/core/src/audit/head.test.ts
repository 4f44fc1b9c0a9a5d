import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { auditHeadMac, isSealedHead, sealAuditHead } from './head';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const SEVENS = new Uint8Array(32).fill(7);

describe('auditHeadMac', () => {
  // Expected values computed independently with:
  //   printf 'aigne-hub/audit-head/v1\n7\n<hash>' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key>
  it('matches known vectors', () => {
    expect(auditHeadMac({ seq: 7, hash: 'ab'.repeat(32) }, KEY)).toBe(
      '8b658435357bacbe84ed693470db73645a2598f008c8bbc4d167a059350ad1a9',
    );
    expect(auditHeadMac({ seq: 12345, hash: '0'.repeat(64) }, SEVENS)).toBe(
      'f74486a538a8a245295143d0e712d9287c60f4713efb97777a4d4aebdf0aa133',
    );
  });

  it('accepts the key as a KeyObject with the same result', () => {
    expect(auditHeadMac({ seq: 7, hash: 'ab'.repeat(32) }, createSecretKey(KEY))).toBe(
      '8b658435357bacbe84ed693470db73645a2598f008c8bbc4d167a059350ad1a9',
    );
  });

  it.each([
    [{ seq: 0, hash: 'ab'.repeat(32) }],
    [{ seq: 1.5, hash: 'ab'.repeat(32) }],
    [{ seq: 3, hash: 'AB'.repeat(32) }],
    [{ seq: 3, hash: 'ab' }],
  ])('refuses a malformed head %o', (head) => {
    expect(() => auditHeadMac(head, KEY)).toThrow(ValidationError);
  });
});

describe('sealAuditHead / isSealedHead', () => {
  const head = { seq: 42, hash: 'cd'.repeat(32) };

  it('seals a head so that it verifies under the same key only', () => {
    const record = sealAuditHead(head, KEY);
    expect(record).toEqual({ ...head, mac: auditHeadMac(head, KEY) });
    expect(isSealedHead(record, KEY)).toBe(true);
    expect(isSealedHead(record, SEVENS)).toBe(false);
  });

  it('rejects a record whose seq, hash or mac was changed', () => {
    const record = sealAuditHead(head, KEY);
    expect(isSealedHead({ ...record, seq: 41 }, KEY)).toBe(false);
    expect(isSealedHead({ ...record, hash: 'ce'.repeat(32) }, KEY)).toBe(false);
    expect(isSealedHead({ ...record, mac: '0'.repeat(64) }, KEY)).toBe(false);
  });

  it('treats an unsealed or malformed record as not sealed (without throwing)', () => {
    expect(isSealedHead({ ...head, mac: null }, KEY)).toBe(false);
    expect(isSealedHead({ ...head, mac: 'xyz' }, KEY)).toBe(false);
    expect(isSealedHead({ seq: -1, hash: head.hash, mac: 'a'.repeat(64) }, KEY)).toBe(false);
  });
});
