/**
 * Deciding from a field's NAME whether its value is a secret: `api_key`, `apiKey`, `X-Api-Key`,
 * `AWS_SECRET_ACCESS_KEY`, `refresh_token`, `Set-Cookie`...
 *
 * A name is split into lowercase words (separators `_ - .` and spaces, and camelCase / PascalCase boundaries:
 * `APIKey` -> `api key`, `inputTokens` -> `input tokens`), then the words are joined again (`apikey`) and the
 * name is secret when that compact form ENDS with one of the suffixes below. Matching the end follows how names
 * are built in English, the head noun last: `client_secret`, `session_token` and `x-api-key` are secrets, while
 * `token_count`, `token_type`, `secret_name`, `api_key_id` and `access_key_id` name something else about a
 * secret and stay readable. Plural `tokens` is deliberately not `token`: `tokens`, `inputTokens`, `maxTokens`,
 * `total_tokens` are usage numbers. Joining before matching also catches names written as one word or in
 * capitals (`APIKEY`, `xapikey`, `Passwd`).
 */
const SECRET_SUFFIXES: readonly string[] = [
  // keys
  'apikey',
  'secretkey',
  'accesskey',
  'privatekey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'sessionkey',
  'authkey',
  'hubkey',
  // tokens and secrets
  'token',
  'secret',
  'secrets',
  'jwt',
  // passwords
  'password',
  'passwd',
  'pwd',
  'passphrase',
  // HTTP credentials
  'authorization',
  'cookie',
  'cookies',
  // containers of credentials
  'credential',
  'credentials',
  'credentialvalue',
  'credentialsvalue',
  // wallet material (the hub signs users in with DID wallets)
  'mnemonic',
  'seedphrase',
];

/** Whole names (after normalization) that are secrets but too short to match as a suffix safely. */
const SECRET_EXACT: ReadonlySet<string> = new Set(['sk', 'pass']);

const WORD_BOUNDARIES = [
  // `apiKey` -> `api Key`, `v2Token` -> `v2 Token`
  /([a-z0-9])([A-Z])/g,
  // `APIKey` -> `API Key`
  /([A-Z]+)([A-Z][a-z])/g,
] as const;

/** The lowercase words of a field name: `X-API-Key` -> `['x', 'api', 'key']`. */
export function nameWords(name: string): string[] {
  let spaced = name;
  for (const boundary of WORD_BOUNDARIES) {
    spaced = spaced.replace(boundary, '$1 $2');
  }
  return spaced
    .toLowerCase()
    .split(/[\s_.-]+/)
    .filter((word) => word.length > 0);
}

/** True when a value stored under this field name must be masked (see the rule above). */
export function isSecretFieldName(name: string): boolean {
  const compact = nameWords(name).join('');
  if (compact.length === 0) {
    return false;
  }
  return SECRET_EXACT.has(compact) || SECRET_SUFFIXES.some((suffix) => compact.endsWith(suffix));
}
