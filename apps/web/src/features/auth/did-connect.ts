/**
 * Signing in with the DID Wallet app: the page's side of the hub's DID Connect REST API
 * (apps/server/src/auth/did-connect/routes.ts). The page asks for a sign-in (`POST /api/did/login/token`), shows
 * its deep link as a QR code, and polls (`POST /api/did/login/status`) until the wallet has answered; the answer
 * that says `succeed` also sets the session cookie. The wallet talks to the hub directly, never to this page.
 *
 * The `pollKey` stays in this page: it is what makes this browser, and no one who merely sees the QR code, the
 * one that picks up the sign-in. The session token in the final answer is not kept: the cookie is the session.
 */

/** A sign-in waiting for the wallet. */
export interface ConnectSession {
  token: string;
  /** The DID Wallet deep link, shown as the QR code (and as a link on phones). */
  url: string;
  pollKey: string;
  /** ISO time after which the QR code no longer works. */
  expiresAt: string;
}

export type ConnectState =
  /** Shown, not scanned yet. */
  | { status: 'created' }
  /** A wallet scanned it and is asking its owner to approve. */
  | { status: 'scanned' }
  /** The wallet declined, or its answer was refused: start a new sign-in. */
  | { status: 'error'; error: string }
  /** Signed in (the session cookie is set). */
  | { status: 'succeed'; becameOwner: boolean; role: string }
  /** The hub no longer knows this sign-in: it expired or was picked up already. */
  | { status: 'gone' };

/** A refusal the page has to show: a wrong setup code (the sign-in is used up), too many attempts... */
export class ConnectError extends Error {
  override name = 'ConnectError';

  constructor(
    readonly httpStatus: number,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface ConnectOptions {
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Prefix of `/api/did/...` (default: this page's origin). */
  baseUrl?: string;
}

const UNREACHABLE = 'The hub cannot be reached. Check your connection and try again.';

async function post(path: string, body: object, options: ConnectOptions): Promise<Response> {
  const { signal, fetchImpl = fetch, baseUrl = '' } = options;
  try {
    return await fetchImpl(`${baseUrl}/api/did/login/${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      ...(signal && { signal }),
    });
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'AbortError') throw error;
    throw new ConnectError(0, UNREACHABLE);
  }
}

async function json(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function refusal(response: Response): Promise<ConnectError> {
  const body = await json(response);
  const retryAfter = response.headers.get('retry-after');
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
  const message =
    typeof body.message === 'string' && body.message !== ''
      ? body.message
      : `The hub refused the sign-in (HTTP ${response.status})`;
  return new ConnectError(response.status, message, seconds);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Opens a sign-in for the QR code. */
export async function startConnect(options: ConnectOptions = {}): Promise<ConnectSession> {
  const response = await post('token', {}, options);
  if (!response.ok) throw await refusal(response);
  const body = await json(response);
  const token = text(body.token);
  const url = text(body.url);
  const pollKey = text(body.pollKey);
  const expiresAt = text(body.expiresAt);
  if (!token || !url || !pollKey || !expiresAt) {
    throw new ConnectError(
      response.status,
      'The hub answered the sign-in request in a way this page cannot read',
    );
  }
  return { token, url, pollKey, expiresAt };
}

/**
 * Asks once how the sign-in is going. `setupCode` (claiming a hub that has no owner) is sent as it is when asked:
 * the hub uses it once the wallet has answered, and refuses the whole sign-in if it is wrong (a ConnectError
 * with status 401, after which a new sign-in is needed).
 */
export async function pollConnect(
  session: ConnectSession,
  setupCode: string | null,
  options: ConnectOptions = {},
): Promise<ConnectState> {
  const code = setupCode?.trim();
  const response = await post(
    'status',
    { token: session.token, pollKey: session.pollKey, ...(code && { setupCode: code }) },
    options,
  );
  if (response.status === 404) return { status: 'gone' };
  if (!response.ok) throw await refusal(response);
  const body = await json(response);
  switch (body.status) {
    case 'created':
      return { status: 'created' };
    case 'scanned':
    case 'busy':
      return { status: 'scanned' };
    case 'error':
      return { status: 'error', error: text(body.error) ?? 'The wallet did not sign in' };
    case 'succeed': {
      const user = (typeof body.user === 'object' && body.user !== null ? body.user : {}) as {
        role?: unknown;
      };
      return { status: 'succeed', becameOwner: body.becameOwner === true, role: text(user.role) ?? 'guest' };
    }
    default:
      throw new ConnectError(response.status, 'The hub answered in a way this page cannot read');
  }
}

/** Milliseconds until the QR code stops working (0 once it has). */
export function msUntilExpiry(session: ConnectSession, now: Date = new Date()): number {
  return Math.max(0, Date.parse(session.expiresAt) - now.getTime());
}
