/**
 * Turning whatever a call threw into words for a person. The hub's messages are written for people and never
 * carry secrets, so they are shown as they are; what the page adds is the case the hub could not word itself
 * (it could not be reached at all) and a hint of what to do next.
 */

/** The `data` the hub's tRPC error formatter attaches to every error. */
export interface HubErrorData {
  code: string;
  httpStatus: number;
  path?: string | null;
  requestId?: string | null;
  /** Input validation: which field failed and why. */
  issues?: { path: string; message: string }[];
}

interface ErrorLike {
  message?: unknown;
  data?: unknown;
  name?: unknown;
}

function asObject(error: unknown): ErrorLike | null {
  return typeof error === 'object' && error !== null ? error : null;
}

/** The hub's error data, or null when the error did not come from the hub (network failure, a bug). */
export function hubErrorData(error: unknown): HubErrorData | null {
  const data = asObject(error)?.data;
  if (typeof data !== 'object' || data === null) return null;
  const { code, httpStatus } = data as Partial<HubErrorData>;
  return typeof code === 'string' && typeof httpStatus === 'number' ? (data as HubErrorData) : null;
}

export function errorCode(error: unknown): string | null {
  return hubErrorData(error)?.code ?? null;
}

export function isUnauthorized(error: unknown): boolean {
  return errorCode(error) === 'UNAUTHORIZED';
}

export function isForbidden(error: unknown): boolean {
  return errorCode(error) === 'FORBIDDEN';
}

const UNREACHABLE = 'The hub cannot be reached. Check your connection and try again.';

/** One sentence (or two) for a person. */
export function errorMessage(error: unknown): string {
  const data = hubErrorData(error);
  const message = asObject(error)?.message;
  const text = typeof message === 'string' && message.trim() !== '' ? message.trim() : null;
  if (!data) {
    // tRPC's client wraps a failed fetch ("Failed to fetch", "NetworkError...") and an answer that is not the
    // hub's (a proxy's error page: "Unexpected end of JSON input"); a bug elsewhere has a message of its own.
    const notTheHub = asObject(error)?.name === 'TRPCClientError';
    if (!text || notTheHub || /fetch|network|load failed/i.test(text)) return UNREACHABLE;
    return text;
  }
  switch (data.code) {
    case 'UNAUTHORIZED':
      return text ?? 'Sign in first.';
    case 'FORBIDDEN':
      return text ?? 'You do not have permission to do that.';
    case 'TOO_MANY_REQUESTS':
      return `${text ?? 'Too many requests.'} Wait a moment and try again.`;
    case 'INTERNAL_SERVER_ERROR':
      return text ?? 'The hub failed to handle the request.';
    case 'BAD_GATEWAY':
    case 'GATEWAY_TIMEOUT':
      return text ?? 'The upstream provider did not answer properly.';
    default:
      return text ?? `The hub refused the request (${data.code}).`;
  }
}

/**
 * Field errors the hub reported for a form's input (`name: a name is required` -> `{ name: '...' }`), so a form
 * can show the hub's verdict next to the field it is about. Paths are dotted (`value.api_key`).
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const issues = hubErrorData(error)?.issues ?? [];
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.path] ??= issue.message;
  return fields;
}
