/**
 * Where DID Connect sign-ins live while a wallet answers: one row of auth.db's `did_connect_sessions` each.
 *
 * It plays two parts on the same row:
 * - the token storage `@arcblock/did-connect-js` keeps its protocol state in (`create` / `read` / `update` /
 *   `delete` / `exist`, the interface its own storages implement), as the `state` JSON column;
 * - the hub's own single-use steps, in columns the library never touches: `markVerified` records the DID a
 *   verified wallet answer proved, exactly once, and from then on `read` no longer returns the row, so a
 *   replayed answer finds no session at all; `poll` hands the verified DID to the browser that opened the
 *   session, exactly once, and only to the holder of its poll key.
 *
 * Why the hub opens sessions itself instead of letting the library do it: the library's token is 8 hex
 * digits of a hash of `Date.now()`, which anyone can guess to within a few thousand tries, and whoever knows
 * a token can answer for it or watch it. Here a token is 128 random bits and picking up the result needs a
 * separate 256-bit poll key that only the browser ever sees (never the QR code).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { and, didConnectSessions, eq, gt, isNull, lt, type AuthDatabase } from '@aigne-hub/db';

/** How long a QR code stays usable: long enough to find a phone and unlock a wallet. */
export const CONNECT_SESSION_TTL_MS = 5 * 60_000;
/** Expired rows are deleted once they are this old. */
const RETENTION_MS = 60 * 60_000;

/** The library's protocol state of one session: status, step, challenge, the wallet's DID... */
export type ConnectState = Record<string, unknown>;

export interface OpenedSession {
  token: string;
  /** Given to the browser only; the store keeps its SHA-256. */
  pollKey: string;
  expiresAt: Date;
}

export type PollResult =
  /** No such live session: unknown, expired, already picked up. */
  | { kind: 'unknown' }
  /** The session exists but the poll key is not its key (someone else's browser, or a guess). */
  | { kind: 'wrong_key' }
  /** Still waiting for the wallet, or the wallet's answer failed (`status: 'error'`). */
  | { kind: 'pending'; status: string; error: string | null }
  /** Verified, and picked up by this call: the caller signs the browser in. Never returned twice. */
  | { kind: 'verified'; did: string };

const hashPollKey = (pollKey: string) => createHash('sha256').update(pollKey, 'utf8').digest();

/**
 * An EventEmitter because the library's handlers subscribe to their storage's events; this store emits
 * none (nothing here listens for them: the browser polls), so no listener ever runs after the databases close.
 */
export class ConnectSessionStore extends EventEmitter {
  constructor(
    private readonly db: AuthDatabase,
    private readonly clock: () => Date,
  ) {
    super();
  }

  /** A new session for a browser, with the library's initial state plus `token` and `status: 'created'`. */
  open(initial: ConnectState): OpenedSession {
    const now = this.clock();
    const token = randomBytes(16).toString('hex');
    const pollKey = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + CONNECT_SESSION_TTL_MS);
    this.db.transaction((tx) => {
      tx.delete(didConnectSessions)
        .where(lt(didConnectSessions.expiresAt, new Date(now.getTime() - RETENTION_MS)))
        .run();
      tx.insert(didConnectSessions)
        .values({
          token,
          pollKeyHash: hashPollKey(pollKey).toString('hex'),
          state: { ...initial, token, status: 'created' },
          createdAt: now,
          expiresAt,
        })
        .run();
    });
    return { token, pollKey, expiresAt };
  }

  // ---- the token storage interface of @arcblock/did-connect-js ----

  /** A session no browser can pick up (there is no poll key); only for the library's own token route. */
  create(token: string, status = 'created'): Promise<ConnectState> {
    const now = this.clock();
    const state = { token, status };
    this.db
      .insert(didConnectSessions)
      .values({ token, state, createdAt: now, expiresAt: new Date(now.getTime() + CONNECT_SESSION_TTL_MS) })
      .run();
    return Promise.resolve(state);
  }

  /** The live protocol state; null once expired or once a wallet's answer was verified. */
  read(token: string): Promise<ConnectState | null> {
    return Promise.resolve(this.#live(token));
  }

  /** Shallow-merges `updates` into a live session's state (never its `token`); null when there is none. */
  update(token: string, updates: ConnectState): Promise<ConnectState | null> {
    const merged = this.db.transaction((tx) => {
      const row = tx
        .select({ state: didConnectSessions.state })
        .from(didConnectSessions)
        .where(this.#isLive(token))
        .get();
      if (!row) return null;
      const next: ConnectState = { ...row.state };
      for (const [key, value] of Object.entries(updates)) {
        if (key !== 'token') next[key] = value;
      }
      tx.update(didConnectSessions).set({ state: next }).where(this.#isLive(token)).run();
      return next;
    });
    return Promise.resolve(merged);
  }

  /** Ends a session that no wallet has completed; a verified one waits for its browser (or expiry). */
  delete(token: string): Promise<void> {
    this.db
      .delete(didConnectSessions)
      .where(and(eq(didConnectSessions.token, token), isNull(didConnectSessions.verifiedAt)))
      .run();
    return Promise.resolve();
  }

  exist(token: string, did?: string): Promise<boolean> {
    const state = this.#live(token);
    return Promise.resolve(state !== null && (did === undefined || state.did === did));
  }

  // ---- the hub's steps ----

  /**
   * Records the DID a verified wallet answer proved. True exactly once per session: false when the session
   * is unknown, expired or already verified (a replay, or a second wallet racing the first).
   */
  markVerified(token: string, did: string): boolean {
    const now = this.clock();
    return (
      this.db.update(didConnectSessions).set({ did, verifiedAt: now }).where(this.#isLive(token)).run()
        .changes === 1
    );
  }

  /**
   * The browser's poll. The key is compared in constant time; a verified session is marked picked up in the
   * same statement that checks it was not, so of two concurrent polls only one gets `verified`.
   */
  poll(token: string, pollKey: string): PollResult {
    const now = this.clock();
    const row = this.db
      .select()
      .from(didConnectSessions)
      .where(
        and(
          eq(didConnectSessions.token, token),
          gt(didConnectSessions.expiresAt, now),
          isNull(didConnectSessions.consumedAt),
        ),
      )
      .get();
    if (!row) return { kind: 'unknown' };
    const expected = row.pollKeyHash === null ? null : Buffer.from(row.pollKeyHash, 'hex');
    const presented = hashPollKey(pollKey);
    if (expected === null || expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
      return { kind: 'wrong_key' };
    }
    if (row.verifiedAt === null || row.did === null) {
      const status = typeof row.state.status === 'string' ? row.state.status : 'created';
      const error = typeof row.state.error === 'string' && row.state.error !== '' ? row.state.error : null;
      return { kind: 'pending', status, error: status === 'error' ? error : null };
    }
    const claimed = this.db
      .update(didConnectSessions)
      .set({ consumedAt: now })
      .where(and(eq(didConnectSessions.token, token), isNull(didConnectSessions.consumedAt)))
      .run();
    return claimed.changes === 1 ? { kind: 'verified', did: row.did } : { kind: 'unknown' };
  }

  #isLive(token: string) {
    return and(
      eq(didConnectSessions.token, token),
      gt(didConnectSessions.expiresAt, this.clock()),
      isNull(didConnectSessions.verifiedAt),
    );
  }

  #live(token: string): ConnectState | null {
    const row = this.db
      .select({ state: didConnectSessions.state })
      .from(didConnectSessions)
      .where(this.#isLive(token))
      .get();
    return row ? { ...row.state } : null;
  }
}
