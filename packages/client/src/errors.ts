/**
 * Typed errors. Whatever way a call failed (a gateway answer in OpenAI's error shape, an error event in the
 * middle of a stream, or a tRPC error), it surfaces as one of these, so a program can `instanceof` its way to
 * the right reaction (sign in again, ask for credits, wait `retryAfter` seconds, try later) without knowing
 * which protocol carried it. Messages are the hub's own, which never contain secrets.
 */
import { TRPCClientError } from '@trpc/client';

export interface HubClientErrorOptions {
  /** HTTP status the hub answered with; undefined when the hub was not reached. */
  status?: number | undefined;
  /** See {@link HubClientError.code}. */
  code?: string | undefined;
  /** The hub's `x-request-id` for the failed request, when known. */
  requestId?: string | undefined;
  cause?: unknown;
}

/** A call to the hub failed. The base of every error this package throws (except aborts, see README). */
export class HubClientError extends Error {
  override name = 'HubClientError';
  /**
   * The HTTP status of the failure. For an error reported inside a stream (after a 200), the status the hub
   * uses for that error elsewhere. Undefined when the hub could not be reached, or when this client refused
   * what it got (`invalid_challenge`).
   */
  readonly status: number | undefined;
  /**
   * What went wrong, for programs: the gateway's `error.code` (`model_not_found`, `insufficient_credits`, ...),
   * the tRPC code (`NOT_FOUND`, `CONFLICT`, ...), or one of this client's own: `network_error` (hub not
   * reached), `invalid_response` (not what the hub sends), `incomplete_stream` (a stream cut short),
   * `stream_closed` (a stream left before its end), `invalid_challenge` (a sign-in challenge not signed).
   */
  readonly code: string;
  /** The hub's request id (`x-request-id`): quote it when asking an admin to look at the audit trail. */
  readonly requestId: string | undefined;

  constructor(message: string, options: HubClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.code = options.code ?? (options.status === undefined ? 'network_error' : `http_${options.status}`);
    this.requestId = options.requestId;
  }
}

/** 401: no credentials, or an API key / session the hub does not accept (unknown, revoked, expired). */
export class UnauthorizedError extends HubClientError {
  override name = 'UnauthorizedError';
}

/** 403: the caller is known but may not do this (role, key scope, model not allowed for the key, ...). */
export class ForbiddenError extends HubClientError {
  override name = 'ForbiddenError';
}

/** 402: billing is on and the caller has no credits left for this request. */
export class InsufficientCreditsError extends HubClientError {
  override name = 'InsufficientCreditsError';
}

/** 429: too many requests (the key's per-minute limit, failed sign-ins, or the provider's own limit). */
export class RateLimitedError extends HubClientError {
  override name = 'RateLimitedError';
  /** Seconds to wait before trying again (from `Retry-After`); null when the hub did not say. */
  readonly retryAfter: number | null;

  constructor(message: string, options: HubClientErrorOptions & { retryAfter?: number | null } = {}) {
    super(message, options);
    this.retryAfter = options.retryAfter ?? null;
  }
}

/** 502 / 504: the upstream AI provider failed or did not answer in time (after the hub's failover). */
export class UpstreamError extends HubClientError {
  override name = 'UpstreamError';

  /** True for 504: the provider did not answer within the hub's upstream timeout. */
  get timedOut(): boolean {
    return this.status === 504;
  }
}

/** Builds the error class that fits `status`. */
export function errorForStatus(
  status: number | undefined,
  message: string,
  options: HubClientErrorOptions & { retryAfter?: number | null } = {},
): HubClientError {
  const all = { ...options, status };
  switch (status) {
    case 401:
      return new UnauthorizedError(message, all);
    case 402:
      return new InsufficientCreditsError(message, all);
    case 403:
      return new ForbiddenError(message, all);
    case 429:
      return new RateLimitedError(message, all);
    case 502:
    case 504:
      return new UpstreamError(message, all);
    default:
      return new HubClientError(message, all);
  }
}

/**
 * Seconds from a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Null when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) and the obsolete forms all start with a day name.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** The body of a gateway error: `{ error: { message, type, code } }` (OpenAI's shape). */
interface GatewayErrorBody {
  error: { message?: unknown; type?: unknown; code?: unknown };
}

export function isGatewayErrorBody(value: unknown): value is GatewayErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'object' &&
    (value as { error?: unknown }).error !== null
  );
}

/** The error a non-2xx gateway answer stands for (`bodyText` is its body, maybe not JSON). */
export function gatewayError(response: Response, bodyText: string): HubClientError {
  let body: unknown = null;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // Not JSON (a proxy's HTML page, say): the status still says enough.
  }
  const error = isGatewayErrorBody(body) ? body.error : {};
  const message =
    typeof error.message === 'string' && error.message
      ? error.message
      : `The hub answered ${response.status} ${response.statusText}`.trim();
  return errorForStatus(response.status, message, {
    code: codeOf(error),
    requestId: response.headers.get('x-request-id') ?? undefined,
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
  });
}

/** The HTTP status the hub uses for each gateway error type: mid-stream errors arrive after a 200. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  insufficient_quota: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  upstream_error: 502,
  timeout_error: 504,
};

/** The error an `error` event inside a stream stands for. */
export function streamError(body: GatewayErrorBody, requestId: string | undefined): HubClientError {
  const { error } = body;
  const status = typeof error.type === 'string' ? (STATUS_BY_TYPE[error.type] ?? 500) : 500;
  const message = typeof error.message === 'string' && error.message ? error.message : 'The stream failed';
  return errorForStatus(status, message, { code: codeOf(error), requestId });
}

function codeOf(error: GatewayErrorBody['error']): string | undefined {
  if (typeof error.code === 'string' && error.code) return error.code;
  if (typeof error.type === 'string' && error.type) return error.type;
  return undefined;
}

/** What the hub's tRPC error formatter puts into `data`. */
interface HubErrorData {
  code?: unknown;
  httpStatus?: unknown;
  requestId?: unknown;
}

const STATUS_BY_TRPC_CODE: Record<string, number> = {
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  BAD_GATEWAY: 502,
  GATEWAY_TIMEOUT: 504,
};

/**
 * The error a failed tRPC call stands for. An abort of the caller's own signal is passed through unchanged
 * (callers check for their AbortError); a call that never got an answer is a `network_error`.
 */
export function trpcError(error: unknown, hubUrl: string, signal?: AbortSignal | null): unknown {
  if (signal?.aborted) return signal.reason;
  if (!(error instanceof TRPCClientError)) return error;
  const data = (error.data ?? null) as HubErrorData | null;
  const response = (error.meta as { response?: Response } | undefined)?.response;
  if (!data || typeof data.code !== 'string') {
    if (response) {
      return new HubClientError(`The hub answered ${response.status} with something that is not tRPC`, {
        status: response.status,
        code: 'invalid_response',
        cause: error,
      });
    }
    return new HubClientError(`Cannot reach the hub at ${hubUrl}: ${describeCause(error)}`, { cause: error });
  }
  const httpStatus = typeof data.httpStatus === 'number' ? data.httpStatus : undefined;
  return errorForStatus(STATUS_BY_TRPC_CODE[data.code] ?? httpStatus, error.message, {
    code: data.code,
    requestId: typeof data.requestId === 'string' ? data.requestId : undefined,
    retryAfter: parseRetryAfter(response?.headers.get('retry-after') ?? null),
    cause: error,
  });
}

/** "fetch failed (ECONNREFUSED)": undici keeps the useful part in the `cause` chain. */
export function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return `${message} (${code})`;
    current = current.cause;
  }
  return message;
}
