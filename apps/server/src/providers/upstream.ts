/**
 * What a call to an upstream provider needs: where to go, as whom, and how long to wait. The secret in an
 * `UpstreamTarget` is decrypted, so a target lives only in memory for the duration of one call and is never
 * logged, returned or stored.
 */
import {
  decryptCredentialValue,
  PreconditionFailedError,
  type CredentialValue,
  type Keyring,
} from '@aigne-hub/core';
import type { Credential, Provider, ProviderKind } from '@aigne-hub/db';
import { effectiveBaseUrl, providerSpec } from './registry';

/** A decrypted credential in the shape the SDKs take. */
export type UpstreamSecret =
  | { type: 'api_key'; apiKey: string }
  | { type: 'access_key_pair'; accessKeyId: string; secretAccessKey: string }
  | { type: 'none' };

export interface UpstreamTarget {
  kind: ProviderKind;
  /** The effective base URL (see `effectiveBaseUrl`). */
  baseUrl: string;
  region: string | null;
  secret: UpstreamSecret;
}

/** How one upstream call is bounded. */
export interface UpstreamCall {
  /** Aborts the call; the caller owns the deadline (see `withDeadline`). */
  signal: AbortSignal;
  /** The same deadline, for SDKs that also want a number (they get a little more, so `signal` fires first). */
  timeoutMs: number;
}

/** The secret strings in a target, for scrubbing them out of anything that leaves (see `scrubSecrets`). */
export function secretStrings(secret: UpstreamSecret): string[] {
  if (secret.type === 'api_key') return [secret.apiKey];
  if (secret.type === 'access_key_pair') return [secret.secretAccessKey];
  return [];
}

/**
 * Decrypts a stored credential, in memory, into the secret the SDK needs. A value that cannot be decrypted
 * or lacks a field its type needs is PRECONDITION_FAILED: the credential exists but cannot be used until an
 * admin enters it again. The message names the problem, never the value.
 */
export function openCredential(
  keyring: Keyring,
  credential: Pick<Credential, 'id' | 'type' | 'value'>,
): UpstreamSecret {
  let value: CredentialValue;
  try {
    value = decryptCredentialValue(keyring, credential.id, credential.value);
  } catch {
    throw new PreconditionFailedError(
      'The credential cannot be decrypted with the configured keys; enter its secret again',
    );
  }
  if (credential.type === 'api_key' && typeof value.api_key === 'string' && value.api_key !== '') {
    return { type: 'api_key', apiKey: value.api_key };
  }
  if (
    credential.type === 'access_key_pair' &&
    typeof value.access_key_id === 'string' &&
    typeof value.secret_access_key === 'string' &&
    value.access_key_id !== '' &&
    value.secret_access_key !== ''
  ) {
    return {
      type: 'access_key_pair',
      accessKeyId: value.access_key_id,
      secretAccessKey: value.secret_access_key,
    };
  }
  throw new PreconditionFailedError(`The credential is incomplete for its type (${credential.type})`);
}

/** The target for a call to `provider` as `secret`. */
export function upstreamTarget(
  provider: Pick<Provider, 'kind' | 'baseUrl' | 'region'>,
  secret: UpstreamSecret,
): UpstreamTarget {
  const spec = providerSpec(provider.kind);
  if (secret.type === 'none' && !spec.credentialOptional) {
    throw new PreconditionFailedError(`${spec.label} needs a credential`);
  }
  return { kind: provider.kind, baseUrl: effectiveBaseUrl(provider), region: provider.region, secret };
}

/**
 * Runs `fn` with an AbortSignal that fires after `timeoutMs`, and says whether it was that deadline (rather
 * than anything else) that ended the call: SDKs report an abort in a dozen ways, the flag is one.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  fn: (call: UpstreamCall) => Promise<T>,
): Promise<{ value: T; timedOut: false } | { error: unknown; timedOut: boolean }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`Upstream did not answer within ${timeoutMs} ms`));
  }, timeoutMs);
  try {
    return { value: await fn({ signal: controller.signal, timeoutMs }), timedOut: false };
  } catch (error) {
    return { error, timedOut };
  } finally {
    clearTimeout(timer);
  }
}
