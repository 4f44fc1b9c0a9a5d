/**
 * CSRF defence for cookie-authenticated mutations: the browser says where a request comes from (`Origin`, or
 * `Sec-Fetch-Site`/`Referer` from older ones) and only the hub's own origin may change state with a cookie.
 * Bearer-authenticated calls carry no ambient authority and are not checked.
 */
export interface OriginHeaders {
  origin: string | null;
  referer: string | null;
  secFetchSite: string | null;
}

export function originAllowed(headers: OriginHeaders, allowedOrigins: readonly string[]): boolean {
  if (headers.origin !== null) return allowedOrigins.includes(headers.origin);
  if (headers.secFetchSite !== null) return headers.secFetchSite === 'same-origin';
  if (headers.referer !== null) {
    try {
      return allowedOrigins.includes(new URL(headers.referer).origin);
    } catch {
      return false;
    }
  }
  return false;
}
