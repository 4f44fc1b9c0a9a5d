import { maskSecret } from './mask-secret';
import { isSecretFieldName, nameWords } from './secret-names';

/**
 * Scrubbing secrets out of free text: upstream error bodies ("Incorrect API key provided: sk-proj-..."), log
 * lines, exception messages, URLs.
 *
 * Every rule runs on the ORIGINAL text and only reports the character ranges it wants hidden; the ranges are
 * then merged and each merged range is replaced by `maskSecret` of its text. Rules therefore never see each
 * other's output, order does not matter, and a key found by two rules (a JWT after `Bearer`) is masked once.
 *
 * Two principles:
 * - Err toward masking. A provider key glued to the text before it (`\nsk-...` inside an escaped JSON string,
 *   `%3Dsk-...` in an encoded URL) must still be found, so the prefixed-key rules have no left word boundary;
 *   the price is that a slug such as `risk-assessment-report-v2-final` (20+ key characters after `sk-`) is
 *   masked too. A false positive costs readability, a false negative costs a key.
 * - Linear time. Upstream bodies are attacker-influenced, so every pattern either has a distinctive literal
 *   start followed by one greedy class, or a bounded length, or a look-behind that lets a run start only once;
 *   JWTs are cut out of maximal runs with indexOf instead of by a backtracking pattern.
 */

type Range = readonly [start: number, end: number];

/**
 * Keys with a distinctive prefix. Minimum lengths sit well below each real key's length (OpenAI 48+, DeepSeek
 * 32, OpenRouter 64, Anthropic 90+, xAI 80, Google 35, hub keys 39) and well above ordinary words.
 */
const PREFIXED_KEYS: readonly RegExp[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-), Anthropic (sk-ant-), OpenRouter (sk-or-), DeepSeek (sk-)
  /sk-[A-Za-z0-9_-]{20,}/g,
  // xAI
  /xai-[A-Za-z0-9_-]{20,}/g,
  // Google API keys
  /AIza[A-Za-z0-9_-]{30,}/g,
  // AWS access key ids (long-term AKIA, temporary ASIA)
  /A(?:KI|SI)A[A-Z0-9]{16,}/g,
  // hub API keys (ahk_<body><checksum>, and any ahk_live_ style variant)
  /ahk_[A-Za-z0-9_]{16,}/g,
  // Groq, Hugging Face, Perplexity, GitHub tokens, Slack tokens, Stripe keys (billing)
  /gsk_[A-Za-z0-9]{20,}/g,
  /hf_[A-Za-z0-9]{30,}/g,
  /pplx-[A-Za-z0-9]{20,}/g,
  /gh[pousr]_[A-Za-z0-9]{30,}/g,
  /github_pat_[A-Za-z0-9_]{30,}/g,
  /xox[abprs]-[A-Za-z0-9-]{10,}/g,
  /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g,
];

const AWS_ACCESS_KEY_ID = /A(?:KI|SI)A[A-Z0-9]{16,}/g;
/** A 40+ character run of the AWS secret alphabet that starts at a run boundary. */
const BASE64_RUN_40 = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}/g;
/** How far from an access key id its secret may stand ("AKIA... / <secret>", "id=AKIA..., secret=..."). */
const AWS_PAIR_WINDOW = 120;

/** `Bearer <token>`. `*` is in the class so that an already-masked token is taken whole (idempotence). */
const BEARER = /bearer\s+([A-Za-z0-9._~+/*-]+=*)/dgi;

/**
 * Password in a URL's user info: `scheme://user:password@host`. Starts at the literal `://` (a scheme pattern
 * in front would be rescanned at every letter of a long word); neither part may hold `/`, so scans are disjoint.
 */
const URL_USERINFO = /:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/dg;

/**
 * `name = value`, `name: value`, `"name": "value"`, `?name=value`, also inside escaped JSON (`\"name\":\"v\"`).
 * Only the name and the separator are consumed; the value is read in a look-ahead, so a value that is not
 * secret is scanned again for names inside it (`config={api_key: ...}`). A name starts only after a character
 * that cannot be part of one, so a long run is tried once; nor right after `*`, so the visible tail of a mask
 * (`********Sk=...`) is not taken for a name on a second pass. Groups: 1 the character before the name, 2 the name,
 * 3 a quoted value (closing quote optional), 4 the same in single quotes, 5 an unquoted value. An auth scheme
 * word (`Bearer`, `Basic`...) between separator and value is skipped and stays readable. Because values are
 * only looked at, not consumed, each value read is capped (1024 quoted, 512 bare): uncapped, `a:a:a:...` would
 * make every name re-read the rest of the text, which is quadratic. Real secrets are far shorter; JWTs and
 * cookies, which can be longer, have their own rules.
 */
const KEY_VALUE =
  /(^|[^A-Za-z0-9_.*-])([A-Za-z0-9_.-]{1,100})\\?["']?[ \t]*[:=][ \t]*(?=(?:(?:bearer|basic|digest|token|negotiate|ntlm|aws4-hmac-sha256)[ \t]+)?(?:"((?:[^"\\\r\n]|\\.){1,1024})|'((?:[^'\\\r\n]|\\.){1,1024})|\\?["']?([^\s"'&,;)}\]\\<>]{1,512})))/dgi;

/** Names that are secrets only in a query string (`?key=AIza...`). */
const QUERY_SECRET_NAMES: ReadonlySet<string> = new Set(['key', 'sig']);

/** A request signature (SigV4 `Signature=`, presigned URLs' `X-Amz-Signature`) replays the request: hide it in text. */
const SIGNATURE_SUFFIX = 'signature';

/** A cookie header's value is a `;`-separated list whose names say nothing: hide the rest of the line. */
const COOKIE_LINE = /(?:^|[^A-Za-z0-9_-])(?:set-)?cookies?["']?[ \t]*[:=][ \t]*([^\r\n]+)/dgi;

/**
 * A long random-looking run after a word that announces a secret: "Invalid token: 9f86d081884c...",
 * "api key provided: AbC...", `secret 0123...`. At least one separator must follow the word, so the pattern
 * cannot restart inside a run.
 */
const AFTER_SECRET_WORD =
  /(?:key|secret|token|password|passwd|passphrase|credential)s?["']?(?:[ \t]+(?:provided|is|was|given|used|value|of))?[\s"':=]{1,4}([A-Za-z0-9+/_=-]{16,})/dgi;

/** Maximal runs of JWT characters (a greedy class that never fails, so linear); JWTs are cut out of them. */
const JWT_RUN = /[A-Za-z0-9_.-]+/g;
const JWT_MIN_SEGMENT = 4;

function collectPrefixedKeys(text: string, ranges: Range[]): void {
  for (const pattern of PREFIXED_KEYS) {
    for (const m of text.matchAll(pattern)) {
      ranges.push([m.index, m.index + m[0].length]);
    }
  }
}

/** An AWS secret access key carries no prefix: it is recognised by standing next to an access key id. */
function collectAwsSecrets(text: string, ranges: Range[]): void {
  const ids = Array.from(text.matchAll(AWS_ACCESS_KEY_ID), (m) => [m.index, m.index + m[0].length] as const);
  if (ids.length === 0) {
    return;
  }
  // Ids and runs both come in text order, so one pointer walks the ids once (linear, however many of each).
  let i = 0;
  for (const run of text.matchAll(BASE64_RUN_40)) {
    const start = run.index;
    const end = start + run[0].length;
    while (i < ids.length && (ids[i]?.[1] ?? 0) + AWS_PAIR_WINDOW <= start) {
      i += 1;
    }
    const id = ids[i];
    if (id !== undefined && id[0] - AWS_PAIR_WINDOW < end) {
      ranges.push([start, end]);
    }
  }
}

/** The range of capture group `group` of every match (patterns carry the `d` flag for these indices). */
function collectGroup(text: string, pattern: RegExp, group: number, ranges: Range[]): void {
  for (const m of text.matchAll(pattern)) {
    const span = m.indices?.[group];
    if (span !== undefined && span[1] > span[0]) {
      ranges.push([span[0], span[1]]);
    }
  }
}

function isSecretInText(name: string, before: string): boolean {
  if (isSecretFieldName(name)) {
    return true;
  }
  const compact = nameWords(name).join('');
  return (
    compact.endsWith(SIGNATURE_SUFFIX) ||
    ((before === '?' || before === '&') && QUERY_SECRET_NAMES.has(compact))
  );
}

function collectKeyValues(text: string, ranges: Range[]): void {
  for (const m of text.matchAll(KEY_VALUE)) {
    const before = m[1] ?? '';
    const name = m[2] ?? '';
    const span = m.indices?.[3] ?? m.indices?.[4] ?? m.indices?.[5];
    if (span !== undefined && span[1] > span[0] && isSecretInText(name, before)) {
      ranges.push([span[0], span[1]]);
    }
  }
}

/** Real secrets mix digits and letters; a long enough run is masked even without digits. */
function looksRandom(run: string): boolean {
  return run.length >= 32 || (/[0-9]/.test(run) && /[A-Za-z]/.test(run));
}

function collectAfterSecretWords(text: string, ranges: Range[]): void {
  for (const m of text.matchAll(AFTER_SECRET_WORD)) {
    const span = m.indices?.[1];
    if (span !== undefined && looksRandom(text.slice(span[0], span[1]))) {
      ranges.push([span[0], span[1]]);
    }
  }
}

/**
 * `header.payload.signature` with base64url JSON header and payload (both start `eyJ`, i.e. `{"`). The mask runs
 * from the header to the end of the run of JWT characters: a JWE has five parts, and stopping after three would
 * leave the signature visible whenever another `eyJ` segment happens to stand in front.
 */
function collectJwts(text: string, ranges: Range[]): void {
  if (!text.includes('.eyJ')) {
    return;
  }
  for (const m of text.matchAll(JWT_RUN)) {
    const run = m[0];
    let from = 0;
    for (;;) {
      const payloadDot = run.indexOf('.eyJ', from);
      if (payloadDot < 0) {
        break;
      }
      // The header is the segment before the payload, from its first `eyJ`.
      const segmentStart = run.lastIndexOf('.', payloadDot - 1) + 1;
      const headerAt = run.indexOf('eyJ', segmentStart);
      const payloadEnd = run.indexOf('.', payloadDot + 1);
      const payloadLength = (payloadEnd < 0 ? run.length : payloadEnd) - payloadDot - 1;
      if (headerAt >= 0 && payloadDot - headerAt >= JWT_MIN_SEGMENT && payloadLength >= JWT_MIN_SEGMENT) {
        ranges.push([m.index + headerAt, m.index + run.length]);
        break;
      }
      from = payloadDot + 1;
    }
  }
}

/**
 * A cheap first look: every rule above needs one of these literals, so text without any of them (most model
 * names, ids and numbers in audit details) is returned at once instead of running a dozen scans.
 */
const ANY_TRIGGER =
  /sk-|xai-|aiza|a[ks]ia|ahk_|gsk_|hf_|pplx-|gh[pousr]_|github_pat_|xox|_live_|_test_|bearer|:\/\/|cookie|[:=]|key|secret|token|pass|credential|\.eyj/i;

/** Sorted, with overlapping or touching ranges joined, so a key split across two rules is masked as one. */
function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/**
 * Returns `text` with every secret it recognises replaced by its mask (`maskSecret`), everything else
 * unchanged. Recognised: provider and hub keys by prefix (OpenAI / DeepSeek `sk-`, `sk-proj-`, Anthropic
 * `sk-ant-`, OpenRouter `sk-or-`, xAI `xai-`, Google `AIza`, AWS `AKIA`/`ASIA` and a 40-character secret next
 * to one, hub `ahk_`, and a few others), `Bearer <token>`, JWTs, passwords in URLs, the value after a
 * secret-looking name (`api_key=...`, `"password": "..."`, `Authorization: Basic ...`, `Cookie: ...`,
 * `?key=...`), and long random runs after the words key / secret / token / password.
 *
 * Idempotent: masks are not matched again, so scrubbing twice gives the same text.
 */
export function redactText(text: string): string {
  if (!ANY_TRIGGER.test(text)) {
    return text;
  }
  const ranges: Range[] = [];
  collectPrefixedKeys(text, ranges);
  collectAwsSecrets(text, ranges);
  collectGroup(text, BEARER, 1, ranges);
  collectGroup(text, URL_USERINFO, 1, ranges);
  collectGroup(text, COOKIE_LINE, 1, ranges);
  collectKeyValues(text, ranges);
  collectAfterSecretWords(text, ranges);
  collectJwts(text, ranges);
  if (ranges.length === 0) {
    return text;
  }
  let out = '';
  let cursor = 0;
  for (const [start, end] of mergeRanges(ranges)) {
    out += text.slice(cursor, start) + maskSecret(text.slice(start, end));
    cursor = end;
  }
  return out + text.slice(cursor);
}
