/**
 * Typed errors thrown by domain code. Nothing in `core` knows about HTTP or tRPC: the server maps each
 * `kind` to a status / tRPC code in one place. Messages are written for the person reading them and must
 * never carry a secret, a stack or another user's data.
 */
export type HubErrorKind =
  | 'config'
  | 'decryption'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'insufficient_credits'
  | 'rate_limited'
  | 'upstream'
  | 'upstream_timeout'
  | 'did_auth';

export abstract class HubError extends Error {
  abstract readonly kind: HubErrorKind;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration (a malformed HUB_ENCRYPTION_KEYS, a missing key file...). The server refuses to start. */
export class ConfigError extends HubError {
  readonly kind = 'config';
}

/** Why a ciphertext could not be opened. Never carries key material or plaintext. */
export type DecryptionFailure =
  'malformed' | 'unknown_version' | 'unknown_key' | 'authentication_failed' | 'legacy_failed';

/** A ciphertext that cannot be decrypted: never answered with a plaintext fallback. */
export class DecryptionError extends HubError {
  readonly kind = 'decryption';

  constructor(
    readonly reason: DecryptionFailure,
    message: string,
  ) {
    super(message);
  }
}

export class ValidationError extends HubError {
  readonly kind = 'validation';
}

export class UnauthorizedError extends HubError {
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends HubError {
  readonly kind = 'forbidden';
}

export class NotFoundError extends HubError {
  readonly kind = 'not_found';
}

export class ConflictError extends HubError {
  readonly kind = 'conflict';
}

/** The thing exists but is not usable now: a revoked key, a disabled provider, the last owner. */
export class PreconditionFailedError extends HubError {
  readonly kind = 'precondition_failed';
}

export class InsufficientCreditsError extends HubError {
  readonly kind = 'insufficient_credits';
}

export class RateLimitedError extends HubError {
  readonly kind = 'rate_limited';

  constructor(
    message: string,
    /** Seconds until a retry may succeed (sent as `Retry-After`). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The upstream provider failed. `message` must already be redacted. */
export class UpstreamError extends HubError {
  readonly kind = 'upstream';

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class UpstreamTimeoutError extends HubError {
  readonly kind = 'upstream_timeout';
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
