/**
 * Writing an AIGNE Hub snapshot (see aigne-hub-source.ts) into this hub: providers, their credentials (each
 * secret decrypted with the legacy reader and re-encrypted at once under this hub's keyring, bound to the new
 * credential id) and model rates.
 *
 * Conservative by design, so that running it twice, or after configuring some providers by hand, never
 * duplicates or overwrites anything:
 * - a provider whose name this hub already has is skipped together with its credentials;
 * - a provider type this hub does not support (AIGNE Hub also knows doubao, poe, ideogram) is skipped;
 * - a model rate that exists (provider, model, type) is kept as it is; `video` rates have no counterpart.
 */
import { randomUUID } from 'node:crypto';
import {
  SECRET_CREDENTIAL_FIELDS,
  encryptCredentialValue,
  isBlockletLegacyCiphertext,
  type CredentialValue,
  type Keyring,
} from '@aigne-hub/core';
import {
  CREDENTIAL_TYPES,
  PROVIDER_KINDS,
  credentials,
  eq,
  modelRates,
  providers,
  type CredentialType,
  type HubTransaction,
  type ModelType,
  type ProviderKind,
  type StoredCredentialFields,
} from '@aigne-hub/db';
import type { AigneHubCredential, AigneHubSnapshot } from './aigne-hub-source';
import type { LegacyFailure } from './legacy-credentials';
import { looksLikeSecret, openLegacySecret, type LegacyKey } from './legacy-secret';

export type SkippedProviderReason = 'exists' | 'unsupported_kind';

export interface AigneHubImportResult {
  importedProviders: string[];
  skippedProviders: { name: string; reason: SkippedProviderReason; credentialCount: number }[];
  /** Source credential id -> the id it has in this hub. */
  importedCredentials: { sourceId: string; id: string }[];
  /** Secret fields that were not encrypted in the source (an AIGNE Hub running without BLOCKLET_APP_EK). */
  plaintextFieldCount: number;
  /** Credentials that could not be read (by source credential id); none of them is written. */
  failures: LegacyFailure[];
  /** Credentials whose provider is unknown to the source itself. */
  orphanCredentialIds: string[];
  importedModelRates: number;
  skippedModelRates: number;
}

/** AIGNE Hub's model types -> ours. */
const MODEL_TYPE: Readonly<Record<string, ModelType>> = {
  chatCompletion: 'chat',
  embedding: 'embedding',
  imageGeneration: 'image',
};

/** Inside `tx`: writes what can be imported and reports the rest. */
export function importAigneHub(
  tx: HubTransaction,
  keyring: Keyring,
  snapshot: AigneHubSnapshot,
  legacy: LegacyKey,
): AigneHubImportResult {
  const result: AigneHubImportResult = {
    importedProviders: [],
    skippedProviders: [],
    importedCredentials: [],
    plaintextFieldCount: 0,
    failures: [],
    orphanCredentialIds: [],
    importedModelRates: 0,
    skippedModelRates: 0,
  };
  const credentialsBySource = new Map<string, AigneHubCredential[]>();
  for (const credential of snapshot.credentials) {
    const list = credentialsBySource.get(credential.providerId) ?? [];
    list.push(credential);
    credentialsBySource.set(credential.providerId, list);
  }
  const knownProviderIds = new Set(snapshot.providers.map((provider) => provider.id));
  result.orphanCredentialIds = snapshot.credentials
    .filter((credential) => !knownProviderIds.has(credential.providerId))
    .map((credential) => credential.id);

  /** Source provider id -> provider name, for every provider whose rates are meaningful here. */
  const rateProviders = new Map<string, string>();
  for (const source of snapshot.providers) {
    const sourceCredentials = credentialsBySource.get(source.id) ?? [];
    if (!isProviderKind(source.name)) {
      result.skippedProviders.push({
        name: source.name,
        reason: 'unsupported_kind',
        credentialCount: sourceCredentials.length,
      });
      continue;
    }
    rateProviders.set(source.id, source.name);
    if (tx.select({ id: providers.id }).from(providers).where(eq(providers.name, source.name)).get()) {
      result.skippedProviders.push({
        name: source.name,
        reason: 'exists',
        credentialCount: sourceCredentials.length,
      });
      continue;
    }
    const providerId = randomUUID();
    tx.insert(providers)
      .values({
        id: providerId,
        kind: source.name,
        name: source.name,
        displayName: source.displayName,
        baseUrl: source.baseUrl,
        region: source.region,
        enabled: source.enabled,
      })
      .run();
    result.importedProviders.push(source.name);
    for (const credential of sourceCredentials) {
      importCredential(tx, keyring, legacy, providerId, credential, result);
    }
  }

  for (const rate of snapshot.modelRates) {
    const provider = rateProviders.get(rate.providerId);
    const type = MODEL_TYPE[rate.type];
    const valid =
      provider !== undefined &&
      type !== undefined &&
      rate.model !== '' &&
      isRate(rate.inputRate) &&
      isRate(rate.outputRate) &&
      (rate.cacheReadRate === null || isRate(rate.cacheReadRate)) &&
      (rate.cacheWriteRate === null || isRate(rate.cacheWriteRate));
    if (!valid) {
      result.skippedModelRates += 1;
      continue;
    }
    const inserted = tx
      .insert(modelRates)
      .values({
        id: randomUUID(),
        provider,
        model: rate.model,
        type,
        inputRate: rate.inputRate,
        outputRate: rate.outputRate,
        cacheReadRate: rate.cacheReadRate,
        cacheWriteRate: rate.cacheWriteRate,
        deprecated: rate.deprecated,
      })
      .onConflictDoNothing()
      .run();
    if (inserted.changes > 0) result.importedModelRates += 1;
    else result.skippedModelRates += 1;
  }
  return result;
}

/** Decrypts the secret fields of one source credential and stores it, or records why it cannot be. */
function importCredential(
  tx: HubTransaction,
  keyring: Keyring,
  legacy: LegacyKey,
  providerId: string,
  source: AigneHubCredential,
  result: AigneHubImportResult,
): void {
  if (source.value === null) {
    result.failures.push({ credentialId: source.id, field: null, reason: 'unreadable_value' });
    return;
  }
  const plain: CredentialValue = { ...source.value };
  const failures: LegacyFailure[] = [];
  let plaintextFields = 0;
  for (const field of SECRET_CREDENTIAL_FIELDS) {
    const value = source.value[field];
    if (typeof value !== 'string' || value === '') {
      // AIGNE Hub encrypts only non-empty secrets; an empty or missing one carries nothing to keep.
      delete plain[field];
      continue;
    }
    if (isBlockletLegacyCiphertext(value)) {
      const opened = openLegacySecret(value, legacy);
      if (opened.ok) plain[field] = opened.secret;
      else failures.push({ credentialId: source.id, field, reason: opened.reason });
    } else if (looksLikeSecret(value)) {
      plain[field] = value;
      plaintextFields += 1;
    } else {
      failures.push({ credentialId: source.id, field, reason: 'implausible' });
    }
  }
  if (failures.length > 0) {
    result.failures.push(...failures);
    return;
  }
  const id = randomUUID();
  tx.insert(credentials)
    .values({
      id,
      providerId,
      name: source.name === '' ? `imported ${source.id}` : source.name,
      type: isCredentialType(source.type) ? source.type : 'custom',
      value: encryptCredentialValue(keyring, id, plain) as StoredCredentialFields,
      weight: source.weight >= 0 ? source.weight : 100,
      enabled: source.active,
      usageCount: source.usageCount >= 0 ? source.usageCount : 0,
    })
    .run();
  result.importedCredentials.push({ sourceId: source.id, id });
  result.plaintextFieldCount += plaintextFields;
}

function isProviderKind(name: string): name is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(name);
}

function isCredentialType(type: string): type is CredentialType {
  return (CREDENTIAL_TYPES as readonly string[]).includes(type);
}

function isRate(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
