import type { Keyring } from '@aigne-hub/core';
import type { Credential, Provider } from '@aigne-hub/db';
import { maskedValue } from './value';

/**
 * What the API shows of a credential: everything but the secret, which appears only masked (`sk-p****wxyz`).
 * There is deliberately no way to get the stored secret back out: to change it, enter a new one.
 */
export function credentialView(
  keyring: Keyring,
  credential: Credential,
  provider: Pick<Provider, 'name' | 'kind'>,
) {
  const { value, valueError } = maskedValue(keyring, credential.id, credential.value);
  return {
    id: credential.id,
    providerId: credential.providerId,
    providerName: provider.name,
    providerKind: provider.kind,
    name: credential.name,
    type: credential.type,
    value,
    /** Set when the stored secret cannot be decrypted: the credential cannot be used until re-entered. */
    valueError,
    weight: credential.weight,
    enabled: credential.enabled,
    status: credential.status,
    statusReason: credential.statusReason,
    cooldownUntil: credential.cooldownUntil?.toISOString() ?? null,
    lastUsedAt: credential.lastUsedAt?.toISOString() ?? null,
    lastErrorAt: credential.lastErrorAt?.toISOString() ?? null,
    usageCount: credential.usageCount,
    createdAt: credential.createdAt.toISOString(),
    updatedAt: credential.updatedAt.toISOString(),
  };
}

export type CredentialView = ReturnType<typeof credentialView>;
