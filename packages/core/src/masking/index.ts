export { FULL_MASK_MIN_LENGTH, SECRET_MASK, maskSecret } from './mask-secret';
export { maskCredentialValue } from './mask-credential';
export { isSecretFieldName } from './secret-names';
export { redactText } from './redact-text';
export { REDACT_DEFAULTS, redact, type JsonValue, type RedactOptions } from './redact';
