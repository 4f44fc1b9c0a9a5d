/**
 * The session cookie: `HttpOnly; SameSite=Lax; Path=/`, and `Secure` with the `__Host-` prefix when the hub is
 * served over https (the prefix makes browsers refuse it without Secure or with a Domain).
 */
import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'aigne-hub-session';
export const SECURE_SESSION_COOKIE = '__Host-aigne-hub-session';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export function sessionCookieOptions(secure: boolean, expires: Date): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure, expires };
}

/** The cookie's value if the request has one (either name, so switching to https does not strand sessions). */
export function readSessionCookie(cookies: Record<string, string | undefined>): string | null {
  return cookies[SECURE_SESSION_COOKIE] ?? cookies[SESSION_COOKIE] ?? null;
}
