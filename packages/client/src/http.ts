/**
 * HTTP to the hub's gateway endpoints: one place that adds the credentials, turns a refused connection or a
 * non-2xx answer into a typed error, and lets the caller's AbortSignal through untouched.
 */
import { describeCause, gatewayError, HubClientError } from './errors';

/** Per-call options of every helper. */
export interface CallOptions {
  /** Aborts the call (and, for a stream, closes it); the call then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export interface Transport {
  /** Base URL without a trailing slash. */
  readonly base: string;
  readonly fetch: typeof fetch;
  /** Headers for every request: the credentials. */
  headers(): Record<string, string>;
}

/** Sends a request and returns the response if it is 2xx; throws the typed error otherwise. */
export async function send(
  transport: Transport,
  method: 'GET' | 'POST',
  pathname: string,
  body: unknown,
  options: CallOptions & { accept?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    accept: options.accept ?? 'application/json',
    ...transport.headers(),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await transport.fetch(`${transport.base}${pathname}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    throw networkError(transport, error, options.signal);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw gatewayError(response, text);
  }
  return response;
}

/** `send`, then the body as JSON (with the response, for its status and request id). */
export async function sendJson(
  transport: Transport,
  method: 'GET' | 'POST',
  pathname: string,
  body: unknown,
  options: CallOptions = {},
): Promise<{ response: Response; json: unknown }> {
  const response = await send(transport, method, pathname, body, options);
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw networkError(transport, error, options.signal);
  }
  try {
    return { response, json: JSON.parse(text) as unknown };
  } catch {
    throw invalidResponse(response, `${pathname} answered with a body that is not JSON`);
  }
}

/** The error for a request that got no (complete) answer: the caller's abort reason, or `network_error`. */
export function networkError(transport: Transport, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  return new HubClientError(`Cannot reach the hub at ${transport.base}: ${describeCause(error)}`, {
    cause: error,
  });
}

export function invalidResponse(response: Response | undefined, message: string): HubClientError {
  return new HubClientError(`Unexpected answer from the hub: ${message}`, {
    status: response?.status,
    code: 'invalid_response',
    requestId: response?.headers.get('x-request-id') ?? undefined,
  });
}

/**
 * The hub's base URL in canonical form. Credentials never go into a URL (they would end up in logs), and
 * only http(s) makes sense for a hub.
 */
export function normalizeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`aigne-hub client: url must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError('aigne-hub client: url must use http or https');
  }
  if (parsed.username || parsed.password) {
    throw new TypeError('aigne-hub client: put credentials in apiKey/sessionToken, not in the URL');
  }
  if (parsed.search || parsed.hash) {
    throw new TypeError('aigne-hub client: url must not have a query or a fragment');
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
