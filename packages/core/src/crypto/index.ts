export { aadFor } from './aad';
export { ENVELOPE_VERSION, keyIdOf } from './envelope';
export { Keyring, type KeyringOptions, MASTER_KEY_BYTES, masterKeyId } from './keyring';
export { encodeMasterKey, generateMasterKey, parseEncryptionKeys } from './master-keys';
export { BLOCKLET_MASTER_KEY_INFO, deriveBlockletMasterKey } from './blocklet-key';
export { decryptBlockletLegacy, isBlockletLegacyCiphertext } from './blocklet-legacy';
export {
  CREDENTIALS_AAD_TABLE,
  credentialValueKeyIds,
  decryptCredentialValue,
  encryptCredentialValue,
  reencryptCredentialValue,
  type StoredCredentialValue,
} from './credential-values';
