/**
 * A credential's health in words: what the hub's credential pool makes of it (healthy, cooling down after
 * rate limits or failures, invalid after the provider refused it), why, and what happens next. The hub sets
 * these fields as it uses and tests the key (apps/server gateway/credential-pool.ts, routers/credentials/health.ts).
 */
import type { CredentialView } from '../../../lib/api-types';
import { formatRelative } from '../../../lib/format';

export interface HealthView {
  label: string;
  color: 'success' | 'warning' | 'error' | 'info';
  /** Why, and what comes next; null when there is nothing to add. */
  detail: string | null;
}

type HealthFields = Pick<
  CredentialView,
  'status' | 'statusReason' | 'cooldownUntil' | 'lastErrorAt' | 'lastUsedAt' | 'valueError'
>;

/** The hub's reason texts as sentences (they may or may not end with a full stop). */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

export function describeHealth(credential: HealthFields, now: Date = new Date()): HealthView {
  if (credential.valueError) {
    return { label: 'Unreadable', color: 'error', detail: sentence(credential.valueError) };
  }
  const reason = credential.statusReason ? `${sentence(credential.statusReason)} ` : '';
  switch (credential.status) {
    case 'invalid':
      return {
        label: 'Invalid',
        color: 'error',
        detail: `${reason || 'The provider refused this key. '}Not used until a new key is entered or a test passes.`,
      };
    case 'cooling': {
      const until = credential.cooldownUntil;
      if (until && Date.parse(until) > now.getTime()) {
        return {
          label: 'Cooling down',
          color: 'warning',
          detail: `${reason}Used again ${formatRelative(until, now)}; other credentials take its calls meanwhile.`,
        };
      }
      return {
        label: 'Cooled down',
        color: 'info',
        detail: `${reason}The cooldown is over: the next call tries it again.`,
      };
    }
    case 'healthy': {
      const lastError = credential.lastErrorAt;
      const failedLast =
        lastError !== null &&
        (credential.lastUsedAt === null || Date.parse(lastError) >= Date.parse(credential.lastUsedAt));
      return {
        label: 'Healthy',
        color: 'success',
        detail: failedLast
          ? `Its last call failed ${formatRelative(lastError, now)}, with a provider or network error (the key was not refused).`
          : null,
      };
    }
  }
}

/**
 * One line for a provider's card: how many credentials, and how many of them in each state (disabled ones
 * apart: they take no calls whatever their health).
 */
export function healthSummary(
  credentials: readonly (HealthFields & { enabled: boolean })[],
  now = new Date(),
): string {
  if (credentials.length === 0) return 'No credentials';
  const counts = new Map<string, number>();
  for (const credential of credentials) {
    const label = credential.enabled ? describeHealth(credential, now).label.toLowerCase() : 'disabled';
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const parts = [...counts].map(([label, count]) => `${count} ${label}`);
  return `${credentials.length} credential${credentials.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
