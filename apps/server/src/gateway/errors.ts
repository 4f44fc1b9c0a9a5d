/**
 * Gateway errors in OpenAI's shape: `{ error: { message, type, code, param } }` with the HTTP status OpenAI
 * would use, so that every OpenAI SDK reports them properly. Messages never carry a secret or a stack.
 */
import { isHubError, RateLimitedError, type HubError } from '@aigne-hub/core';
import { UpstreamFailure } from './adapters/types';

export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'insufficient_quota'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'timeout_error'
  | 'api_error';

export class GatewayError extends Error {
  override name = 'GatewayError';

  constructor(
    readonly status: number,
    readonly type: GatewayErrorType,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  toBody(): { error: { message: string; type: string; code: string; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export const badRequest = (code: string, message: string, param: string | null = null) =>
  new GatewayError(400, 'invalid_request_error', code, message, null, param);

const FROM_HUB_ERROR: Record<HubError['kind'], [number, GatewayErrorType, string]> = {
  config: [500, 'api_error', 'internal_error'],
  decryption: [500, 'api_error', 'internal_error'],
  validation: [400, 'invalid_request_error', 'invalid_request'],
  unauthorized: [401, 'authentication_error', 'invalid_api_key'],
  did_auth: [401, 'authentication_error', 'invalid_api_key'],
  forbidden: [403, 'permission_error', 'forbidden'],
  not_found: [404, 'not_found_error', 'not_found'],
  conflict: [409, 'invalid_request_error', 'conflict'],
  precondition_failed: [412, 'invalid_request_error', 'precondition_failed'],
  insufficient_credits: [402, 'insufficient_quota', 'insufficient_credits'],
  rate_limited: [429, 'rate_limit_error', 'rate_limited'],
  upstream: [502, 'upstream_error', 'upstream_error'],
  upstream_timeout: [504, 'timeout_error', 'upstream_timeout'],
};

/** Any error thrown while serving a gateway request, as the client sees it. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof UpstreamFailure) return fromUpstreamFailure(error);
  if (isHubError(error)) {
    const [status, type, code] = FROM_HUB_ERROR[error.kind];
    const message = status === 500 ? 'Internal error' : error.message;
    const retryAfter = error instanceof RateLimitedError ? error.retryAfterSeconds : null;
    return new GatewayError(status, type, code, message, retryAfter);
  }
  return new GatewayError(500, 'api_error', 'internal_error', 'Internal error');
}

/** What the client is told when the upstream failed and no failover could save the call. */
export function fromUpstreamFailure(failure: UpstreamFailure): GatewayError {
  switch (failure.kind) {
    case 'bad_request':
      return new GatewayError(
        400,
        'invalid_request_error',
        'upstream_rejected_request',
        `The provider rejected the request: ${failure.message}`,
      );
    case 'unsupported':
      return new GatewayError(400, 'invalid_request_error', 'unsupported', failure.message);
    case 'timeout':
      return new GatewayError(504, 'timeout_error', 'upstream_timeout', failure.message);
    case 'rate_limited':
      return new GatewayError(
        429,
        'rate_limit_error',
        'upstream_rate_limited',
        `The provider is rate limiting: ${failure.message}`,
        failure.retryAfterSeconds,
      );
    default:
      return new GatewayError(
        502,
        'upstream_error',
        'upstream_error',
        `The provider failed: ${failure.message}`,
      );
  }
}
