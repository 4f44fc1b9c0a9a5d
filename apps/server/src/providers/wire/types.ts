import type { WireFormat } from '../registry';
import type { UpstreamCall, UpstreamTarget } from '../upstream';

/** What an adapter can tell about an error its SDK threw. `message` is raw: callers must make it safe. */
export interface UpstreamErrorInfo {
  /** The HTTP status the upstream answered with, or null when it did not answer (network, abort). */
  status: number | null;
  message: string;
  /** The upstream refused the credential itself (not the request): the key is wrong, revoked or unauthorised. */
  rejected: boolean;
  /** How long the upstream asked us to wait (Retry-After header or the provider's own hint), in seconds. */
  retryAfterSeconds?: number | null;
}

/**
 * One upstream protocol, spoken through its official SDK. The gateway adds chat, embeddings and images here;
 * the connection test needs only the cheapest authenticated call, listing models.
 */
export interface WireAdapter {
  readonly format: WireFormat;
  /** The ids of the models the upstream offers (first page only: enough to prove the key works). */
  listModels(target: UpstreamTarget, call: UpstreamCall): Promise<string[]>;
  describeError(error: unknown): UpstreamErrorInfo;
}

/** SDK clients get a little longer than the deadline so that the caller's abort, not theirs, ends a call. */
export const SDK_TIMEOUT_MARGIN_MS = 1_000;
