import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import {
  LOGIN_MESSAGE_HEADER,
  MAX_CHALLENGE_TTL_MS,
  createLoginChallenge,
  formatLoginMessage,
  parseLoginChallenge,
  type LoginChallengeFields,
} from './challenge';
import { DidAuthError } from './errors';

const ED25519_DID = 'did:abt:z1QpgFE4FNQUmKqbskTZRt8TqFjYLVds7yg';
const NOW = new Date('2025-01-01T00:00:00.000Z');
const BASE = { domain: 'hub.example.com', origin: 'https://hub.example.com', now: NOW };

const FIELDS: LoginChallengeFields = {
  domain: 'hub.example.com',
  origin: 'https://hub.example.com',
  did: ED25519_DID,
  nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  issuedAt: NOW,
  expiresAt: new Date('2025-01-01T00:05:00.000Z'),
};
const LINES = [
  'aigne-hub wants you to sign in with your DID wallet.',
  'Domain: hub.example.com',
  'Origin: https://hub.example.com',
  `DID: ${ED25519_DID}`,
  'Nonce: AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  'Issued At: 2025-01-01T00:00:00.000Z',
  'Expiration Time: 2025-01-01T00:05:00.000Z',
];
const MESSAGE = LINES.join('\n');

function malformedDetail(message: string): string {
  try {
    parseLoginChallenge(message);
  } catch (error) {
    if (error instanceof DidAuthError && error.reason === 'malformed') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('formatLoginMessage', () => {
  it('writes the canonical text, fields in fixed order, no trailing newline', () => {
    expect(formatLoginMessage(FIELDS)).toBe(MESSAGE);
  });

  it('leaves the DID line out when the DID is not known', () => {
    expect(formatLoginMessage({ ...FIELDS, did: null })).toBe(
      LINES.filter((l) => !l.startsWith('DID')).join('\n'),
    );
  });
});

describe('createLoginChallenge', () => {
  it('issues a 5-minute challenge by default, with the message built from its fields', () => {
    const challenge = createLoginChallenge(BASE);
    expect(challenge.issuedAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(challenge.expiresAt.toISOString()).toBe('2025-01-01T00:05:00.000Z');
    expect(challenge.domain).toBe('hub.example.com');
    expect(challenge.did).toBeNull();
    expect(challenge.message).toBe(
      [
        LOGIN_MESSAGE_HEADER,
        'Domain: hub.example.com',
        'Origin: https://hub.example.com',
        `Nonce: ${challenge.nonce}`,
        'Issued At: 2025-01-01T00:00:00.000Z',
        'Expiration Time: 2025-01-01T00:05:00.000Z',
      ].join('\n'),
    );
    expect(parseLoginChallenge(challenge.message)).toEqual({
      domain: challenge.domain,
      origin: challenge.origin,
      did: null,
      nonce: challenge.nonce,
      issuedAt: challenge.issuedAt,
      expiresAt: challenge.expiresAt,
    });
  });

  it('includes the DID when known, normalized to did:abt:', () => {
    const challenge = createLoginChallenge({ ...BASE, did: ED25519_DID.slice('did:abt:'.length) });
    expect(challenge.did).toBe(ED25519_DID);
    expect(challenge.message.split('\n')[3]).toBe(`DID: ${ED25519_DID}`);
    expect(parseLoginChallenge(challenge.message).did).toBe(ED25519_DID);
  });

  it('accepts a shorter lifetime and exactly the 5-minute maximum', () => {
    expect(createLoginChallenge({ ...BASE, ttlMs: 60_000 }).expiresAt.toISOString()).toBe(
      '2025-01-01T00:01:00.000Z',
    );
    expect(MAX_CHALLENGE_TTL_MS).toBe(300_000);
    expect(createLoginChallenge({ ...BASE, ttlMs: 300_000 }).expiresAt.getTime() - NOW.getTime()).toBe(
      300_000,
    );
  });

  it('refuses a lifetime above 5 minutes, zero, negative or fractional', () => {
    for (const ttlMs of [300_001, 600_000, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createLoginChallenge({ ...BASE, ttlMs })).toThrow(ValidationError);
    }
  });

  it('uses nonces of 192 random bits in base64url, all distinct', () => {
    const nonces = new Set<string>();
    const ones = new Array<number>(192).fill(0);
    for (let i = 0; i < 10_000; i += 1) {
      const { nonce } = createLoginChallenge(BASE);
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
      nonces.add(nonce);
      if (i < 1_000) {
        const bytes = Buffer.from(nonce, 'base64url');
        expect(bytes).toHaveLength(24);
        for (let bit = 0; bit < 192; bit += 1) ones[bit]! += (bytes[bit >> 3]! >> (7 - (bit & 7))) & 1;
      }
    }
    expect(nonces.size).toBe(10_000);
    // Every bit position is set about half the time (1,000 samples: mean 500, sd ~16; bounds at 6 sd).
    expect(ones.filter((count) => count < 400 || count > 600)).toEqual([]);
  });

  it('refuses domains that are not a canonical host, so no line can be injected', () => {
    for (const domain of [
      '',
      'Hub.Example.com',
      'hub.example.com\nNonce: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'hub.example.com/path',
      'https://hub.example.com',
      'hub example.com',
      '-hub.example.com',
    ]) {
      expect(() => createLoginChallenge({ ...BASE, domain })).toThrow(ValidationError);
    }
    for (const domain of ['localhost:8090', '127.0.0.1:8090', '[::1]:8090', 'a-b.example.co']) {
      expect(createLoginChallenge({ ...BASE, domain }).domain).toBe(domain);
    }
  });

  it('refuses origins that are not a canonical http(s) origin', () => {
    for (const origin of [
      'hub.example.com',
      'https://hub.example.com/',
      'https://hub.example.com/login',
      'https://Hub.example.com',
      'https://hub.example.com:443',
      'https://user@hub.example.com',
      'javascript:alert(1)',
      'ftp://hub.example.com',
    ]) {
      expect(() => createLoginChallenge({ ...BASE, origin })).toThrow(ValidationError);
    }
    expect(createLoginChallenge({ ...BASE, origin: 'http://localhost:8090' }).origin).toBe(
      'http://localhost:8090',
    );
  });

  it('refuses an invalid time and a DID that cannot sign in', () => {
    expect(() => createLoginChallenge({ ...BASE, now: new Date(Number.NaN) })).toThrow(ValidationError);
    expect(() => createLoginChallenge({ ...BASE, did: 'did:abt:nonsense' })).toThrow(
      expect.objectContaining({ reason: 'malformed' }),
    );
  });
});

describe('parseLoginChallenge', () => {
  it('reads the canonical text back into its fields', () => {
    expect(parseLoginChallenge(MESSAGE)).toEqual(FIELDS);
  });

  const edits: [string, string, string][] = [
    ['CRLF line ends', LINES.join('\r\n'), 'carriage return'],
    ['a trailing newline', `${MESSAGE}\n`, 'unknown line 8'],
    ['a leading newline', `\n${MESSAGE}`, 'unexpected first line'],
    [
      'another first line',
      MESSAGE.replace(LOGIN_MESSAGE_HEADER, 'evil-hub wants you to sign in.'),
      'unexpected first line',
    ],
    [
      'an unknown line',
      [...LINES.slice(0, 6), 'Resources: all', ...LINES.slice(6)].join('\n'),
      'unknown line 7',
    ],
    ['a line without a label', [...LINES, 'hello'].join('\n'), 'unknown line 8'],
    [
      'a duplicate Domain',
      [...LINES.slice(0, 2), 'Domain: evil.example.com', ...LINES.slice(2)].join('\n'),
      'duplicate Domain on line 3',
    ],
    [
      'a duplicate Nonce',
      [...LINES, 'Nonce: AAECAwQFBgcICQoLDA0ODxAREhMUFRYX'].join('\n'),
      'duplicate Nonce on line 8',
    ],
    ['a missing Domain', LINES.filter((l) => !l.startsWith('Domain')).join('\n'), 'missing Domain'],
    ['a missing Origin', LINES.filter((l) => !l.startsWith('Origin')).join('\n'), 'missing Origin'],
    ['a missing Nonce', LINES.filter((l) => !l.startsWith('Nonce')).join('\n'), 'missing Nonce'],
    ['a missing Issued At', LINES.filter((l) => !l.startsWith('Issued')).join('\n'), 'missing Issued At'],
    [
      'a missing Expiration Time',
      LINES.filter((l) => !l.startsWith('Expiration')).join('\n'),
      'missing Expiration Time',
    ],
    [
      'reordered lines',
      [LINES[0], LINES[2], LINES[1], ...LINES.slice(3)].join('\n'),
      'not in canonical form (order or spelling)',
    ],
    ['a double space', MESSAGE.replace('Domain: ', 'Domain:  '), 'invalid Domain'],
    ['a trailing space', MESSAGE.replace('hub.example.com\n', 'hub.example.com \n'), 'invalid Domain'],
    ['a lowercase label', MESSAGE.replace('Nonce:', 'nonce:'), 'unknown line 5'],
    [
      'a short nonce',
      MESSAGE.replace('AAECAwQFBgcICQoLDA0ODxAREhMUFRYX', 'AAECAwQFBgcICQoLDA0ODxAR'),
      'invalid Nonce',
    ],
    [
      'a padded nonce',
      MESSAGE.replace('AAECAwQFBgcICQoLDA0ODxAREhMUFRYX', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRY='),
      'invalid Nonce',
    ],
    [
      'an impossible date',
      MESSAGE.replace('Issued At: 2025-01-01', 'Issued At: 2025-02-30'),
      'invalid Issued At',
    ],
    ['a date without milliseconds', MESSAGE.replace('00:05:00.000Z', '00:05:00Z'), 'invalid Expiration Time'],
    [
      'a lifetime above 5 minutes',
      MESSAGE.replace('00:05:00.000Z', '00:05:00.001Z'),
      'lifetime out of range',
    ],
    ['an expiry before issue', MESSAGE.replace('00:05:00.000Z', '00:00:00.000Z'), 'lifetime out of range'],
    ['an uppercase domain', MESSAGE.replace('Domain: hub', 'Domain: HUB'), 'invalid Domain'],
    [
      'an origin with a path',
      MESSAGE.replace('Origin: https://hub.example.com', 'Origin: https://hub.example.com/x'),
      'invalid Origin',
    ],
    [
      'a DID without did:abt:',
      MESSAGE.replace('DID: did:abt:', 'DID: '),
      'not in canonical form (order or spelling)',
    ],
    [
      'a DID with a bad checksum',
      MESSAGE.replace(ED25519_DID, `${ED25519_DID.slice(0, -1)}h`),
      'invalid DID',
    ],
    ['non-ASCII text', MESSAGE.replace('sign in', 'sıgn in'), 'characters outside printable ASCII'],
    ['a NUL byte', MESSAGE.replace('Domain: ', 'Domain: \0'), 'characters outside printable ASCII'],
    ['a very long text', `${MESSAGE}${'x'.repeat(2_000)}`, 'too long'],
    ['an empty text', '', 'unexpected first line'],
  ];

  it.each(edits)('rejects %s as malformed', (_what, message, detail) => {
    expect(malformedDetail(message)).toBe(`Login message: ${detail}`);
  });

  it('names the problem without echoing the content', () => {
    expect(malformedDetail(LINES.join('\r\n'))).toBe('Login message: carriage return');
    expect(malformedDetail([...LINES, 'Secret: hunter2'].join('\n'))).toBe('Login message: unknown line 8');
    expect(malformedDetail([...LINES, LINES[4]!].join('\n'))).toBe(
      'Login message: duplicate Nonce on line 8',
    );
    expect(malformedDetail(LINES.filter((l) => !l.startsWith('Origin')).join('\n'))).toBe(
      'Login message: missing Origin',
    );
  });
});
