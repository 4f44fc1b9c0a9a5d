/**
 * The OpenAI and Anthropic SDKs share one error design: `APIError` with `status` and the parsed JSON body in
 * `error`, and `APIConnectionError` (status undefined) with the socket error as `cause`.
 */
import { httpStatusOf, jsonErrorMessage, messageOf, networkErrorCode } from '../upstream-error';
import type { UpstreamErrorInfo } from './types';

export function describeStainlessError(error: unknown): UpstreamErrorInfo {
  const status = httpStatusOf(error);
  if (status === null) {
    const code = networkErrorCode(error);
    return { status, message: code ? `Connection failed (${code})` : messageOf(error), rejected: false };
  }
  const body = (error as { error?: unknown }).error;
  const message = jsonErrorMessage(body) ?? messageOf(error);
  return { status, message, rejected: status === 401 || status === 403 };
}
