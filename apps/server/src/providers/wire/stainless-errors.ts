/**
 * The OpenAI and Anthropic SDKs share one error design: `APIError` with `status`, the response `headers` and
 * the parsed JSON body in `error`, and `APIConnectionError` (status undefined) with the socket error as `cause`.
 */
import { httpStatusOf, jsonErrorMessage, messageOf, networkErrorCode } from '../upstream-error';
import { parseRetryAfter } from './retry-after';
import type { UpstreamErrorInfo } from './types';

export function describeStainlessError(error: unknown): UpstreamErrorInfo {
  const status = httpStatusOf(error);
  if (status === null) {
    const code = networkErrorCode(error);
    return { status, message: code ? `Connection failed (${code})` : messageOf(error), rejected: false };
  }
  const body = (error as { error?: unknown }).error;
  const message = jsonErrorMessage(body) ?? messageOf(error);
  return {
    status,
    message,
    rejected: status === 401 || status === 403,
    retryAfterSeconds: retryAfterOf((error as { headers?: unknown }).headers),
  };
}

/** `retry-after-ms` (the Stainless SDKs' own, more precise header) first, then the standard `retry-after`. */
function retryAfterOf(headers: unknown): number | null {
  if (!(headers instanceof Headers)) return null;
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  return parseRetryAfter(headers.get('retry-after'));
}
