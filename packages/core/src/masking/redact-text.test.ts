import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactText } from './redact-text';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64URL = `${BASE62}_-`;
const HEX = '0123456789abcdef';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const AWS_SECRET_ALPHABET = `${BASE62}/+`;

function chars(alphabet: string, length: number): fc.Arbitrary<string>;
function chars(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string>;
function chars(alphabet: string, minLength: number, maxLength = minLength): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
}

/** A planted secret: the text planted, and the random part that must never show. */
interface Planted {
  family: string;
  text: string;
  random: string;
}

function family(
  name: string,
  arb: fc.Arbitrary<readonly [text: string, random: string]>,
): fc.Arbitrary<Planted> {
  return arb.map(([text, random]) => ({ family: name, text, random }));
}

const PLANTED: fc.Arbitrary<Planted> = fc.oneof(
  family(
    'openai',
    chars(BASE62, 48).map((r) => [`sk-${r}`, r] as const),
  ),
  family(
    'openai-project',
    chars(BASE64URL, 100, 160).map((r) => [`sk-proj-${r}`, r] as const),
  ),
  family(
    'anthropic',
    chars(BASE64URL, 93).map((r) => [`sk-ant-api03-${r}AA`, r] as const),
  ),
  family(
    'openrouter',
    chars(HEX, 64).map((r) => [`sk-or-v1-${r}`, r] as const),
  ),
  family(
    'deepseek',
    chars(HEX, 32).map((r) => [`sk-${r}`, r] as const),
  ),
  family(
    'xai',
    chars(BASE62, 80).map((r) => [`xai-${r}`, r] as const),
  ),
  family(
    'google',
    chars(BASE64URL, 35).map((r) => [`AIza${r}`, r] as const),
  ),
  family(
    'aws-access-key-id',
    fc.tuple(fc.constantFrom('AKIA', 'ASIA'), chars(UPPER_DIGITS, 16)).map(([p, r]) => [p + r, r] as const),
  ),
  family(
    'aws-key-pair',
    fc
      .tuple(
        chars(UPPER_DIGITS, 16),
        fc.constantFrom(' ', ':', ',', '\n', '\t', ' / ', '", "', '|'),
        chars(AWS_SECRET_ALPHABET, 40),
      )
      .map(([id, sep, secret]) => [`AKIA${id}${sep}${secret}`, secret] as const),
  ),
  family(
    'hub',
    chars(BASE62, 39).map((r) => [`ahk_${r}`, r] as const),
  ),
  family(
    'bearer',
    fc
      .tuple(fc.constantFrom('Bearer ', 'bearer  ', 'BEARER\t'), chars(`${BASE64URL}.~+/`, 20, 80))
      .map(([scheme, r]) => [scheme + r, r] as const),
  ),
  family(
    'jwt',
    fc
      .tuple(chars(BASE64URL, 10, 40), chars(BASE64URL, 10, 120), chars(BASE64URL, 43))
      .map(([h, p, s]) => [`eyJ${h}.eyJ${p}.${s}`, `${h}.eyJ${p}.${s}`] as const),
  ),
  family(
    'after-secret-word',
    fc
      .tuple(
        fc.constantFrom('api key: ', 'token=', 'secret ', 'Password: "', 'access token is '),
        chars(HEX, 32, 64),
      )
      .map(([word, r]) => [word + r, r] as const),
  ),
);

/** Surrounding text of every kind: printable ASCII, any UTF-16 (lone surrogates too), words, JSON-ish. */
const SURROUNDING: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.lorem({ maxCount: 5 }),
  fc.constantFrom('', ' ', '\n', '"', '{"error":"', 'Incorrect API key provided: ', '\\n', '%3D', 'key='),
);

function substrings(random: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= random.length; i++) {
    out.push(random.slice(i, i + size));
  }
  return out;
}

describe('redactText: planted secrets never survive (property)', () => {
  it('masks a planted key of each family inside arbitrary text, also glued to it', () => {
    fc.assert(
      fc.property(SURROUNDING, PLANTED, SURROUNDING, (before, planted, after) => {
        const out = redactText(before + planted.text + after);
        expect(out).not.toContain(planted.text);
        for (const piece of substrings(planted.random, 12)) {
          expect(out).not.toContain(piece);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent on text with planted keys', () => {
    fc.assert(
      fc.property(SURROUNDING, PLANTED, SURROUNDING, (before, planted, after) => {
        const once = redactText(before + planted.text + after);
        expect(redactText(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('redactText: each rule', () => {
  it.each([
    [
      'the OpenAI error body',
      'Incorrect API key provided: sk-proj-abc123DEF456ghi789JKL012mno345PQR678stu901vwxYZ. You can find your API key at https://platform.openai.com/account/api-keys.',
      'Incorrect API key provided: sk-p********wxYZ. You can find your API key at https://platform.openai.com/account/api-keys.',
    ],
    [
      'an Anthropic key in JSON',
      '{"x-api-key":"sk-ant-api03-Zx9_Yw8-Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"}',
      '{"x-api-key":"sk-a********DcBa"}',
    ],
    [
      'a Google key in a query',
      'GET /v1/models?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&alt=json',
      'GET /v1/models?key=AIza********qsHI&alt=json',
    ],
    [
      'an AWS key pair',
      'id AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'id AKIA********MPLE secret wJal********EKEY',
    ],
    ['an xAI key', 'xai-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 rejected', 'xai-********6789 rejected'],
    [
      'an OpenRouter key',
      'key sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'key sk-o********cdef',
    ],
    ['a hub key', 'revoked ahk_000A7dl5PEW67zZCpFU9uKaHnGgOvQKAR2eahrm', 'revoked ahk_********ahrm'],
    ['a bearer token', 'Authorization: Bearer abc.def-ghi_jkl', 'Authorization: Bearer ********jkl'],
    [
      'a JWT',
      'cookie-less jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U!',
      // `jwt=` makes the value up to the `!` secret too; the two ranges are masked as one.
      'cookie-less jwt=eyJh********R8U!',
    ],
    ['a URL password', 'postgres://hub:s3cr3t-pw@db:5432/hub', 'postgres://hub:********pw@db:5432/hub'],
    ['a password in JSON', '{"password":"correct horse battery"}', '{"password":"corr********tery"}'],
    [
      'a secret in escaped JSON',
      '{\\"client_secret\\":\\"s3cr3t\\"}',
      '{\\"client_secret\\":\\"********t\\"}',
    ],
    [
      'a Basic auth header',
      'authorization: Basic dXNlcjpwYXNzd29yZA==',
      'authorization: Basic dXNl********ZA==',
    ],
    ['a Cookie line', 'Cookie: sid=abc123; theme=dark\nHost: x', 'Cookie: sid=********dark\nHost: x'],
    [
      'a hex token after a word',
      'Invalid token: 9f86d081884c7d659a2feaf0c55ad015',
      'Invalid token: 9f86********d015',
    ],
    ['a key-value inside a non-secret value', 'config={api_key: hunter22}', 'config={api_key: ********22}'],
    [
      'a presigned URL signature',
      'https://b.s3.amazonaws.com/o?X-Amz-Signature=0a1b2c3d4e5f&X-Amz-Expires=60',
      'https://b.s3.amazonaws.com/o?X-Amz-Signature=********e5f&X-Amz-Expires=60',
    ],
  ])('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('redactText: readable text stays readable', () => {
  it.each([
    'max_tokens: 4096, tokens=12, inputTokens: 300, token_count=7',
    'Model gpt-4o-mini is not available in region us-east-1',
    'Rate limit reached for requests. Please try again in 20s.',
    'The primary key (id) must be unique: 42',
    'https://api.openai.com/v1/chat/completions',
    'Token expired at 2025-01-31T12:00:00.000Z',
    'did:abt:z1muQ3xqHQK2uiACHyChikobsiY5kLqtShA signed in',
    '{"model":"claude-3-5-sonnet-20241022","usage":{"input_tokens":12,"output_tokens":34}}',
    'key: internationalization',
    '',
  ])('%s', (text) => {
    expect(redactText(text)).toBe(text);
  });
});

describe('redactText: linear time on hostile input', () => {
  // About half a megabyte each. Linear scans take tens of milliseconds; a quadratic pattern takes many seconds
  // (measured: an uncapped look-ahead took 2 s on a quarter of this), so the bound tells them apart.
  it.each([
    ['eyJ runs', 'eyJ.'.repeat(120_000)],
    ['unclosed quotes', 'a:"'.repeat(160_000)],
    ['sk- runs', 'sk-ab'.repeat(100_000)],
    ['one long run', 'a'.repeat(500_000)],
    ['key words', 'key:key:'.repeat(60_000)],
    ['scheme-like', 'http://a:'.repeat(60_000)],
    ['bearer runs', 'bearer '.repeat(70_000)],
    ['AWS ids and secrets', `AKIAABCDEFGHIJKLMNOP ${'a'.repeat(40)} `.repeat(8_000)],
  ])('%s', (_name, text) => {
    const started = performance.now();
    redactText(text);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
