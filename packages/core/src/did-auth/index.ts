export {
  DEFAULT_CHALLENGE_TTL_MS,
  LOGIN_MESSAGE_HEADER,
  MAX_CHALLENGE_TTL_MS,
  NONCE_BYTES,
  createLoginChallenge,
  formatLoginMessage,
  parseLoginChallenge,
  type CreateLoginChallengeInput,
  type LoginChallenge,
  type LoginChallengeFields,
} from './challenge';
export { DID_ABT_PREFIX, parseAbtDid, type AbtDid, type AbtDidResult, type KeyKind } from './did';
export { DidAuthError, type DidAuthFailure } from './errors';
export { signLoginChallenge, type LoginProof } from './sign';
export { verifyLoginSignature, type StoredLoginChallenge, type VerifyLoginSignatureInput } from './verify';
