import { count, credentials, eq, type HubDatabase, type HubTransaction, type Provider } from '@aigne-hub/db';
import { effectiveBaseUrl, providerSpec } from '../../providers/index';

/** What the API shows of a provider: its row, what its kind implies, and how many credentials it has. */
export function providerView(provider: Provider, credentialCount: number) {
  const spec = providerSpec(provider.kind);
  return {
    id: provider.id,
    kind: provider.kind,
    name: provider.name,
    displayName: provider.displayName,
    /** As configured (null: the kind's default). */
    baseUrl: provider.baseUrl,
    /** Where calls actually go (null only for a row written around the API without a needed base URL). */
    effectiveBaseUrl: endpointOf(provider),
    region: provider.region,
    enabled: provider.enabled,
    label: spec.label,
    wireFormat: spec.wireFormat,
    credentialType: spec.credentialType,
    credentialOptional: spec.credentialOptional,
    credentialCount,
    createdAt: provider.createdAt.toISOString(),
    updatedAt: provider.updatedAt.toISOString(),
  };
}

export type ProviderView = ReturnType<typeof providerView>;

/** A list must not fail because one row is incomplete; that row shows no endpoint instead. */
function endpointOf(provider: Provider): string | null {
  try {
    return effectiveBaseUrl(provider);
  } catch {
    return null;
  }
}

/** Credential counts per provider id (providers without credentials are absent: count 0). */
export function credentialCounts(tx: HubDatabase | HubTransaction, providerId?: string): Map<string, number> {
  const rows = tx
    .select({ providerId: credentials.providerId, n: count() })
    .from(credentials)
    .where(providerId === undefined ? undefined : eq(credentials.providerId, providerId))
    .groupBy(credentials.providerId)
    .all();
  return new Map(rows.map((row) => [row.providerId, row.n]));
}

/** The audit trail's picture of a provider: enough to read the event without joining anything. */
export function providerAuditFields(provider: Provider) {
  return {
    kind: provider.kind,
    name: provider.name,
    displayName: provider.displayName,
    baseUrl: provider.baseUrl,
    region: provider.region,
    enabled: provider.enabled,
  };
}
