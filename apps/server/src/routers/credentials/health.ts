/**
 * What an upstream answer means for a credential's health, as a patch to its row. Pure, so the rule is
 * tested on its own and the gateway can apply the same rule to real traffic.
 */
import type { Credential } from '@aigne-hub/db';
import type { ConnectionTestResult } from '../../providers/index';

const MAX_REASON = 300;

/**
 * ok -> healthy (any cooldown or invalid mark is lifted: the key demonstrably works);
 * rejected (401/403) -> invalid, with the (already redacted) upstream reason, until fixed;
 * anything else (5xx, timeout, unreachable) says nothing about the key -> status kept, `lastErrorAt` set.
 */
export function healthAfterTest(
  result: ConnectionTestResult,
  now: Date,
): Partial<Pick<Credential, 'status' | 'statusReason' | 'cooldownUntil' | 'lastErrorAt'>> {
  if (result.ok) return { status: 'healthy', statusReason: null, cooldownUntil: null };
  if (result.failure === 'rejected') {
    const reason = `Rejected by the provider (HTTP ${result.status ?? '?'})${result.error ? `: ${result.error}` : ''}`;
    return {
      status: 'invalid',
      statusReason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason,
      lastErrorAt: now,
    };
  }
  return { lastErrorAt: now };
}
