export {
  API_KEY_BODY_LENGTH,
  API_KEY_CHECKSUM_LENGTH,
  API_KEY_DISPLAY_PREFIX_LENGTH,
  API_KEY_ENTROPY_BYTES,
  API_KEY_LENGTH,
  API_KEY_PATTERN,
  API_KEY_PREFIX,
  generateApiKey,
  looksLikeApiKey,
  parseApiKey,
  type ApiKeyParseResult,
  type ApiKeyParts,
  type ApiKeyRejection,
} from './api-key';
export { digestsEqual, hashApiKey } from './digest';
