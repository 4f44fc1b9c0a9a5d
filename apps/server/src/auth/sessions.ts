/**
 * Browser sessions (auth.db). A session token is 256 random bits, shown once (cookie, and the login answer for
 * non-browser clients); only its SHA-256 is stored, so a copy of auth.db cannot be replayed. A session ends at
 * its absolute expiry, after the idle timeout without use, or when revoked (logout, an admin, a role change).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull, sessions, type AuthDatabase, type Session } from '@aigne-hub/db';
import type { Settings } from '../settings/settings';

export const SESSION_TOKEN_PREFIX = 'ahs_';
/** `lastSeenAt` is refreshed at most this often, so reading a session is not a write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function createSession(
  db: AuthDatabase,
  input: {
    did: string;
    ip: string | null;
    userAgent: string | null;
    now: Date;
    lifetimes: Settings['sessions'];
  },
): { token: string; session: Session } {
  const token = newSessionToken();
  const session = db
    .insert(sessions)
    .values({
      id: randomUUID(),
      tokenHash: hashSessionToken(token),
      did: input.did,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.lifetimes.absoluteTimeoutHours * 3_600_000),
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    })
    .returning()
    .get();
  return { token, session };
}

export type SessionCheck =
  { ok: true; session: Session } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

/** Finds the live session for a presented token, refreshing its `lastSeenAt` now and then. */
export function resolveSession(
  db: AuthDatabase,
  token: string,
  now: Date,
  lifetimes: Settings['sessions'],
): SessionCheck {
  const session = db
    .select()
    .from(sessions)
    .where(eq(sessions.tokenHash, hashSessionToken(token)))
    .get();
  if (!session) return { ok: false, reason: 'unknown' };
  if (session.revokedAt) return { ok: false, reason: 'revoked' };
  const idleLimit = session.lastSeenAt.getTime() + lifetimes.idleTimeoutMinutes * 60_000;
  if (session.expiresAt.getTime() <= now.getTime() || idleLimit <= now.getTime())
    return { ok: false, reason: 'expired' };
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id)).run();
  }
  return { ok: true, session };
}

/** Live sessions of one user (not revoked, not expired, not idle too long), newest first. */
export function listSessions(
  db: AuthDatabase,
  did: string,
  now: Date,
  lifetimes: Settings['sessions'],
): Session[] {
  const idleSince = new Date(now.getTime() - lifetimes.idleTimeoutMinutes * 60_000);
  return db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.did, did),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, idleSince),
      ),
    )
    .orderBy(desc(sessions.createdAt))
    .all();
}

/** Revokes one session of `did`; false when there is no such live session (not theirs, or already ended). */
export function revokeSession(db: AuthDatabase, did: string, sessionId: string, now: Date): boolean {
  const result = db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.did, did), isNull(sessions.revokedAt)))
    .run();
  return result.changes > 0;
}

/** Revokes every live session of `did`; returns how many. */
export function revokeAllSessions(db: AuthDatabase, did: string, now: Date): number {
  return db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.did, did), isNull(sessions.revokedAt)))
    .run().changes;
}
