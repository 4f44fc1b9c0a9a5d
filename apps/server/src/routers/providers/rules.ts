/**
 * Domain rules of providers shared by the handlers: finding one (NOT_FOUND), keeping names unique
 * (CONFLICT with a message of our own rather than the database's), and checking an endpoint against what its
 * kind needs.
 */
import { ConflictError, NotFoundError, ValidationError } from '@aigne-hub/core';
import { eq, providers, type HubDatabase, type HubTransaction, type Provider } from '@aigne-hub/db';
import { providerSpec, type ProviderKind } from '../../providers/index';

type Tx = HubDatabase | HubTransaction;

export function findProvider(tx: Tx, id: string): Provider {
  const provider = tx.select().from(providers).where(eq(providers.id, id)).get();
  if (!provider) throw new NotFoundError('No such provider');
  return provider;
}

export function findProviderByName(tx: Tx, name: string): Provider | undefined {
  return tx.select().from(providers).where(eq(providers.name, name)).get();
}

export function assertNameFree(tx: Tx, name: string): void {
  if (findProviderByName(tx, name)) throw new ConflictError(`A provider named "${name}" already exists`);
}

/**
 * A base URL and region fit the kind: openai-compatible needs a base URL (there is no default), Bedrock
 * needs a region (its endpoint and signature depend on it) and every other kind must not have one (it would
 * be silently ignored, which hides a mistake).
 */
export function checkEndpoint(
  kind: ProviderKind,
  endpoint: { baseUrl: string | null; region: string | null },
): void {
  const spec = providerSpec(kind);
  if (spec.requiresBaseUrl && !endpoint.baseUrl) {
    throw new ValidationError(`${spec.label} providers need a base URL`);
  }
  if (spec.requiresRegion && !endpoint.region) {
    throw new ValidationError(`${spec.label} providers need a region (for example us-east-1)`);
  }
  if (!spec.requiresRegion && endpoint.region) {
    throw new ValidationError(`${spec.label} providers have no region; only Amazon Bedrock uses one`);
  }
}
