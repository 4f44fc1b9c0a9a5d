import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors';
import { parseAbtDid } from './did';
import { DidAuthError } from './errors';

/**
 * The sign-in challenge: a short, human-readable text the wallet shows and signs, in the spirit of
 * Sign-In with Ethereum (EIP-4361). Example:
 *
 * ```text
 * aigne-hub wants you to sign in with your DID wallet.
 * Domain: hub.example.com
 * Origin: https://hub.example.com
 * DID: did:abt:z1nxZUB3qwFj7LKRXf4seMxS3YqvZHyRcWC
 * Nonce: q0b9V1h8x6Zl3rGmT4uYwE2sK7dJ5fNc
 * Issued At: 2025-01-01T00:00:00.000Z
 * Expiration Time: 2025-01-01T00:05:00.000Z
 * ```
 *
 * Lines are separated by a single `\n`, with no trailing newline; the `DID:` line is present only when the
 * DID was known when the challenge was made. There is exactly one text per challenge, and the parser accepts
 * only that text: it re-renders what it read and compares, so reordered, repeated, unknown or padded lines, a
 * `\r`, or anything outside printable ASCII is refused. The domain is signed so that a page on another domain
 * relaying our challenge gets a signature we refuse; the nonce and expiry make it single-use and short-lived.
 */
export const LOGIN_MESSAGE_HEADER = 'aigne-hub wants you to sign in with your DID wallet.';
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Upper bound for a challenge's lifetime, enforced on creation and again when a message is parsed. */
export const MAX_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** 24 random bytes: 192 bits, 32 base64url characters with no padding and no spare bits. */
export const NONCE_BYTES = 24;
const MAX_MESSAGE_LENGTH = 1024;

const NONCE_SHAPE = /^[A-Za-z0-9_-]{32}$/;
const TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A lowercase host name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const DOMAIN_SHAPE =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
const PRINTABLE_ASCII_LINES = /^[\x20-\x7e\n]*$/;

/** What a challenge message says. */
export interface LoginChallengeFields {
  domain: string;
  origin: string;
  /** Normalized `did:abt:...`, or null when the challenge was made before the DID was known. */
  did: string | null;
  nonce: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** A new challenge: the server stores `nonce`, `did`, `expiresAt` and hands `message` to the wallet. */
export interface LoginChallenge extends LoginChallengeFields {
  message: string;
}

export interface CreateLoginChallengeInput {
  /** The hub's host (and port), as users see it: `hub.example.com`, `localhost:8090`. Lowercase. */
  domain: string;
  /** The web origin the sign-in page is served from: `https://hub.example.com`. */
  origin: string;
  now?: Date;
  /** Lifetime; default and maximum 5 minutes. */
  ttlMs?: number;
  /** The DID that is expected to sign, when the client said so up front. */
  did?: string;
}

function isValidDomain(domain: string): boolean {
  return domain.length <= 260 && DOMAIN_SHAPE.test(domain);
}

function isValidOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  // `url.origin` is canonical (lowercase host, default port dropped, no path), so equality means canonical input.
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
}

function isValidTimestamp(text: string): boolean {
  return (
    TIMESTAMP_SHAPE.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text
  );
}

/** The canonical text of a challenge; both creation and parsing go through here. */
export function formatLoginMessage(fields: LoginChallengeFields): string {
  return [
    LOGIN_MESSAGE_HEADER,
    `Domain: ${fields.domain}`,
    `Origin: ${fields.origin}`,
    ...(fields.did === null ? [] : [`DID: ${fields.did}`]),
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt.toISOString()}`,
    `Expiration Time: ${fields.expiresAt.toISOString()}`,
  ].join('\n');
}

/**
 * A fresh challenge. Throws `ValidationError` for a bad domain, origin, time or lifetime (server-side inputs),
 * and `DidAuthError` for a DID that cannot sign in (client input). A lifetime above 5 minutes is refused rather
 * than clamped, so a misconfiguration shows up instead of silently changing meaning.
 */
export function createLoginChallenge(input: CreateLoginChallengeInput): LoginChallenge {
  const { domain, origin, now = new Date(), ttlMs = DEFAULT_CHALLENGE_TTL_MS } = input;
  if (!isValidDomain(domain)) throw new ValidationError('Login challenge: invalid domain');
  if (!isValidOrigin(origin)) throw new ValidationError('Login challenge: invalid origin');
  if (Number.isNaN(now.getTime())) throw new ValidationError('Login challenge: invalid time');
  if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_CHALLENGE_TTL_MS) {
    throw new ValidationError('Login challenge: lifetime must be between 1 ms and 5 minutes');
  }

  let did: string | null = null;
  if (input.did !== undefined) {
    const parsed = parseAbtDid(input.did);
    if (!parsed.ok) throw new DidAuthError(parsed.reason, 'Login challenge: this DID cannot sign in');
    did = parsed.value.did;
  }

  const fields: LoginChallengeFields = {
    domain,
    origin,
    did,
    nonce: randomBytes(NONCE_BYTES).toString('base64url'),
    issuedAt: new Date(now.getTime()),
    expiresAt: new Date(now.getTime() + ttlMs),
  };
  return { ...fields, message: formatLoginMessage(fields) };
}

const FIELD_LABELS = ['Domain', 'Origin', 'DID', 'Nonce', 'Issued At', 'Expiration Time'] as const;
type FieldLabel = (typeof FIELD_LABELS)[number];

function malformed(detail: string): DidAuthError {
  return new DidAuthError('malformed', `Login message: ${detail}`);
}

function isFieldLabel(label: string): label is FieldLabel {
  return (FIELD_LABELS as readonly string[]).includes(label);
}

/**
 * Reads a challenge message back, strictly; throws `DidAuthError('malformed')` naming the first problem (by line
 * number, never echoing content). Checking the fields here means a signed message can be trusted to be one of
 * ours in shape; whether it is the challenge this server issued is for `verifyLoginSignature` to decide.
 */
export function parseLoginChallenge(message: string): LoginChallengeFields {
  if (message.length > MAX_MESSAGE_LENGTH) throw malformed('too long');
  if (message.includes('\r')) throw malformed('carriage return');
  if (!PRINTABLE_ASCII_LINES.test(message)) throw malformed('characters outside printable ASCII');

  const [header, ...lines] = message.split('\n');
  if (header !== LOGIN_MESSAGE_HEADER) throw malformed('unexpected first line');

  const values = new Map<FieldLabel, string>();
  lines.forEach((line, index) => {
    const lineNumber = index + 2;
    const separator = line.indexOf(': ');
    const label = separator < 0 ? line : line.slice(0, separator);
    if (separator < 0 || !isFieldLabel(label)) throw malformed(`unknown line ${lineNumber}`);
    if (values.has(label)) throw malformed(`duplicate ${label} on line ${lineNumber}`);
    values.set(label, line.slice(separator + 2));
  });

  const required = (label: FieldLabel): string => {
    const value = values.get(label);
    if (value === undefined) throw malformed(`missing ${label}`);
    return value;
  };
  const domain = required('Domain');
  const origin = required('Origin');
  const nonce = required('Nonce');
  const issuedAtText = required('Issued At');
  const expiresAtText = required('Expiration Time');
  const didText = values.get('DID');

  if (!isValidDomain(domain)) throw malformed('invalid Domain');
  if (!isValidOrigin(origin)) throw malformed('invalid Origin');
  if (!NONCE_SHAPE.test(nonce)) throw malformed('invalid Nonce');
  if (!isValidTimestamp(issuedAtText)) throw malformed('invalid Issued At');
  if (!isValidTimestamp(expiresAtText)) throw malformed('invalid Expiration Time');
  let did: string | null = null;
  if (didText !== undefined) {
    const parsed = parseAbtDid(didText);
    // Only the normalized spelling is canonical; the re-render check below refuses `z...` without `did:abt:`.
    if (!parsed.ok) throw malformed('invalid DID');
    did = parsed.value.did;
  }

  const issuedAt = new Date(issuedAtText);
  const expiresAt = new Date(expiresAtText);
  const lifetime = expiresAt.getTime() - issuedAt.getTime();
  if (lifetime <= 0 || lifetime > MAX_CHALLENGE_TTL_MS) throw malformed('lifetime out of range');

  const fields: LoginChallengeFields = { domain, origin, did, nonce, issuedAt, expiresAt };
  if (formatLoginMessage(fields) !== message) throw malformed('not in canonical form (order or spelling)');
  return fields;
}
