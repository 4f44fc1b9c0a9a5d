import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../errors';
import { AUDIT_KEY_MIN_BYTES, auditKeyObject, chain } from './chain';
import { AUDIT_GENESIS_HASH, type UnsignedAuditEvent } from './types';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

/** The second event of the known vectors in canonical.test.ts, with its Python-computed HMAC. */
const PREV = '882c27821ee4b8f5ebd594b81f1e94eee582a041efd9a949b27a03f8fe78e9c5';
const EVENT: UnsignedAuditEvent = {
  seq: 2,
  id: '0194c0a4-9a01-7000-8000-000000000001',
  ts: '2025-01-31T12:00:00.001Z',
  actorDid: null,
  actorRole: null,
  via: null,
  ip: null,
  userAgent: null,
  requestId: null,
  action: 'auth.login',
  targetType: 'user',
  targetId: null,
  outcome: 'denied',
  reason: null,
  details: null,
  prevHash: PREV,
};
const HASH = 'edda658b15ac822d70336835fcc681c619ffab25a553d1f8d126612ea16deb8f';

describe('chain', () => {
  it('gives the same HMAC for raw key bytes, a Buffer and a KeyObject', () => {
    expect(chain(PREV, EVENT, KEY)).toBe(HASH);
    expect(chain(PREV, EVENT, Buffer.from(KEY))).toBe(HASH);
    expect(chain(PREV, EVENT, createSecretKey(KEY))).toBe(HASH);
  });

  it('covers the prevHash argument itself', () => {
    expect(chain(AUDIT_GENESIS_HASH, EVENT, KEY)).not.toBe(HASH);
  });

  it('rejects a malformed prevHash', () => {
    expect(() => chain('xyz', EVENT, KEY)).toThrow(ValidationError);
    expect(() => chain(PREV.toUpperCase(), EVENT, KEY)).toThrow(ValidationError);
  });
});

describe('auditKeyObject', () => {
  it(`refuses keys shorter than ${AUDIT_KEY_MIN_BYTES} bytes, as bytes or KeyObject`, () => {
    expect(() => auditKeyObject(new Uint8Array(31))).toThrow(ConfigError);
    expect(() => auditKeyObject(createSecretKey(new Uint8Array(16)))).toThrow(ConfigError);
    expect(auditKeyObject(new Uint8Array(64)).symmetricKeySize).toBe(64);
  });
});
