/**
 * Turning what an SDK threw into text that may be shown to an admin and written to the audit trail.
 * Providers echo key fragments in their errors ("Incorrect API key provided: sk-proj-abc...") and SDKs put
 * response bodies into messages, so every upstream message goes through two filters:
 *
 * 1. `scrubSecrets`: any run of 8+ characters that also occurs in the secret we sent is masked. This catches
 *    fragments of keys with no recognisable prefix (an OpenAI-compatible server's own key format).
 * 2. core `redactText`: anything that looks like a key, token or password by its shape.
 */
import { redactText, SECRET_MASK } from '@aigne-hub/core';

/** Long enough that ordinary words and ids do not collide with a random key, short enough to catch a fragment. */
const FRAGMENT = 8;

/** Upstream messages are for a person to read in a table cell; anything longer is cut. */
export const MAX_UPSTREAM_MESSAGE_LENGTH = 500;

/**
 * Replaces every run of `text` that shares an 8-character window with one of `secrets` by the mask. Linear
 * in the text: the secrets' windows go into a set once, then each window of the text is one lookup.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const windows = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue; // nothing that short is a real key; masking it would garble the text
    const size = Math.min(FRAGMENT, secret.length);
    for (let i = 0; i + size <= secret.length; i++) windows.add(secret.slice(i, i + size));
  }
  if (windows.size === 0) return text;
  const sizes = [...new Set([...windows].map((w) => w.length))];
  const hidden: boolean[] = new Array<boolean>(text.length).fill(false);
  let any = false;
  for (const size of sizes) {
    for (let i = 0; i + size <= text.length; i++) {
      if (windows.has(text.slice(i, i + size))) {
        hidden.fill(true, i, i + size);
        any = true;
      }
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length;) {
    if (!hidden[i]) {
      out += text[i];
      i++;
      continue;
    }
    while (i < text.length && hidden[i]) i++;
    out += SECRET_MASK;
  }
  return out;
}

/** `text` made safe to show: known secrets scrubbed, key-shaped strings redacted, whitespace folded, cut. */
export function safeUpstreamText(text: string, secrets: readonly string[]): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  // Cut generously before the scans (bodies can be large), exactly after (masks change the length).
  const scrubbed = redactText(scrubSecrets(folded.slice(0, 4 * MAX_UPSTREAM_MESSAGE_LENGTH), secrets));
  return scrubbed.length > MAX_UPSTREAM_MESSAGE_LENGTH
    ? `${scrubbed.slice(0, MAX_UPSTREAM_MESSAGE_LENGTH - 1)}…`
    : scrubbed;
}

/** The HTTP status an SDK error carries: `status` (OpenAI, Anthropic, Gemini) or AWS's `$metadata`. */
export function httpStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, $metadata } = error as { status?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof status === 'number' && status >= 100 && status <= 599) return status;
  const aws = $metadata?.httpStatusCode;
  return typeof aws === 'number' && aws >= 100 && aws <= 599 ? aws : null;
}

/** A socket-level error code (ECONNREFUSED, ENOTFOUND...) anywhere in the cause chain, if any. */
export function networkErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown error';
}

/** The `message` inside a JSON error body (`{ error: { message } }`, `{ message }`), or null. */
export function jsonErrorMessage(body: unknown): string | null {
  if (typeof body === 'string') {
    try {
      return jsonErrorMessage(JSON.parse(body));
    } catch {
      return null;
    }
  }
  if (typeof body !== 'object' || body === null) return null;
  const record = body as { message?: unknown; error?: unknown };
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error === 'string') return record.error;
  return jsonErrorMessage(record.error);
}
