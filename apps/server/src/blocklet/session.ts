/**
 * Who is signed in, under Blocklet Server. Blocklet Server signs people in itself and gives the browser a
 * login token (the `login_token` cookie; programs may send it as `Authorization: Bearer`). The hub accepts
 * that token only after @blocklet/sdk's own `verifyLoginToken` verified it: the SDK checks the token's
 * signature with the app's session key (BLOCKLET_SESSION_SECRET, or the key it derives from the app's
 * wallet, BLOCKLET_APP_SK) and its expiry, and returns the DID and role Blocklet Server put in it.
 *
 * The identity headers Blocklet Server's gateway adds (`x-user-did`, `x-user-role`...) are never read, and
 * neither is the SDK's `middlewares.auth`, which trusts them: anything that reaches the hub's port directly
 * can send any header, but cannot sign a login token.
 *
 * The hub is also stricter than the SDK about what it accepts: Blocklet Server signs more than login tokens
 * with the same key (refresh tokens, other kinds of session certificate), and the SDK takes any of them as a
 * login. Only what Blocklet Server issues when a person signs in (`type: 'user'`, not a refresh token) is a
 * way into the hub.
 */
import { DID_ABT_PREFIX, parseAbtDid, type Role } from '@aigne-hub/core';
import type { Env } from '../env';

/** The cookie Blocklet Server keeps its login token in. */
export const BLOCKLET_LOGIN_COOKIE = 'login_token';

export interface BlockletUser {
  /** Normalized: `did:abt:z...`. */
  did: string;
  /** The hub role the Blocklet role maps to. */
  role: Role;
  /** The role as Blocklet Server named it (for the audit trail). */
  blockletRole: string | null;
}

export type BlockletFailure = 'malformed' | 'unverified' | 'expired' | 'not_login_token' | 'unsupported_did';

export type BlockletVerification = { ok: true; user: BlockletUser } | { ok: false; reason: BlockletFailure };

type VerifyLoginToken = (input: { token: string; strictMode: boolean }) => Promise<{
  did?: unknown;
  role?: unknown;
} | null>;

let sdkVerifier: Promise<VerifyLoginToken> | undefined;

/**
 * @blocklet/sdk's verifier, loaded on first use (it is large, and standalone hubs never need it). Importing
 * it also loads the SDK's configuration, which reads Blocklet Server's variables from the environment.
 */
export function loadBlockletVerifier(): Promise<VerifyLoginToken> {
  sdkVerifier ??= import('@blocklet/sdk/lib/util/verify-session.js').then(
    (sdk) => sdk.verifyLoginToken as VerifyLoginToken,
  );
  return sdkVerifier;
}

/**
 * Blocklet roles to hub roles: `owner` and `admin` keep their names (Blocklet Server's passports may carry a
 * `blocklet-` prefix); every other role (`member`, `guest`, roles an app defines) is a hub `guest`. Unknown
 * means least privilege, never more.
 */
export function hubRoleOf(blockletRole: string | null): Role {
  const name = (blockletRole ?? '').replace(/^blocklet-/, '');
  return name === 'owner' || name === 'admin' ? name : 'guest';
}

/**
 * A Blocklet user's DID as the hub stores DIDs (`did:abt:` + base58 address). Any key type is accepted:
 * Blocklet Server vouches for the person, the hub checks no signature of theirs; the address must still be
 * a well-formed ABT address with a valid checksum.
 */
export function normalizeBlockletDid(did: string): string | null {
  const parsed = parseAbtDid(did);
  if (parsed.ok) return parsed.value.did;
  if (parsed.reason === 'unsupported_key_type') return `${DID_ABT_PREFIX}${did.replace(/^did:abt:/, '')}`;
  return null;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True for what can be a Blocklet login token (a JWT); hub API keys and session tokens never are. */
export function isJwtShaped(token: string): boolean {
  return token.length <= 8192 && JWT_SHAPE.test(token);
}

/** The claims of a JWT, unverified (null when they are not a JSON object). */
function claimsOf(token: string): Record<string, unknown> | null {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether an (unverified) token says it has expired: only to tell a person whose sign-in ran out from
 * someone presenting a forged token, which counts against the address's failure budget. Nothing is granted
 * on it: the token was already refused.
 */
function saysExpired(token: string): boolean {
  const exp = claimsOf(token)?.exp;
  return typeof exp === 'number' && exp * 1000 <= Date.now();
}

/**
 * A login token as Blocklet Server issues it when a person signs in: `type: 'user'` and not a refresh token.
 * Only asked of a token whose signature the SDK has verified, so the claims are Blocklet Server's own.
 */
function isLoginTokenClaims(claims: Record<string, unknown> | null): boolean {
  return claims?.type === 'user' && claims.tokenType !== 'refresh';
}

/** Verifies a Blocklet Server login token through @blocklet/sdk. */
export async function verifyBlockletLoginToken(token: string): Promise<BlockletVerification> {
  if (!isJwtShaped(token)) return { ok: false, reason: 'malformed' };
  const verify = await loadBlockletVerifier();
  const user = await verify({ token, strictMode: false });
  if (!user) return { ok: false, reason: saysExpired(token) ? 'expired' : 'unverified' };
  if (!isLoginTokenClaims(claimsOf(token))) return { ok: false, reason: 'not_login_token' };
  const did = typeof user.did === 'string' ? normalizeBlockletDid(user.did) : null;
  if (did === null) return { ok: false, reason: 'unsupported_did' };
  const blockletRole = typeof user.role === 'string' && user.role !== '' ? user.role : null;
  return { ok: true, user: { did, role: hubRoleOf(blockletRole), blockletRole } };
}

/** The login token cookie of a request, read only in Blocklet mode (elsewhere it means nothing). */
export function blockletLoginCookie(
  env: Pick<Env, 'blocklet'>,
  cookies: Record<string, string | undefined>,
): string | null {
  return env.blocklet ? (cookies[BLOCKLET_LOGIN_COOKIE] ?? null) : null;
}
