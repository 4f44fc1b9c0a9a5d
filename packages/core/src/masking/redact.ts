import { maskSecret } from './mask-secret';
import { redactText } from './redact-text';
import { isSecretFieldName } from './secret-names';

/** What `redact` returns: plain JSON, safe for `JSON.stringify`, a log line or an audit event's details. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface RedactOptions {
  /** Containers nested deeper than this are replaced by `'[Max depth]'`. Default 10. */
  maxDepth?: number;
  /** Strings longer than this (UTF-16 units) are cut, with a note of how much was cut. Default 2000. */
  maxStringLength?: number;
  /** Arrays, objects, Maps and Sets keep at most this many entries, with a note of how many more. Default 200. */
  maxEntries?: number;
}

export const REDACT_DEFAULTS: Readonly<Required<RedactOptions>> = {
  maxDepth: 10,
  maxStringLength: 2000,
  maxEntries: 200,
};

/**
 * A copy of `value` that can be logged or stored in an audit trail: plain JSON, with secrets masked.
 *
 * - A value under a secret-looking key (`isSecretFieldName`: `api_key`, `apiKey`, `X-Api-Key`, `password`,
 *   `refresh_token`, `Authorization`, `Set-Cookie`, `credentials`...) is masked with `maskSecret`; when it is
 *   an object or array, every string and number inside it is. Booleans and null stay (`hasPassword: true` says
 *   nothing secret). Usage counters (`tokens`, `inputTokens`, `maxTokens`, `token_count`) stay readable.
 * - Every other string goes through `redactText`, so a provider key inside free text is masked in place, and is
 *   then cut to `maxStringLength`. Scrubbing happens BEFORE cutting, so a cut can never leave a key's head too
 *   short to be recognised. Object keys are scrubbed the same way.
 * - JSON shapes for the rest: Date -> ISO string; Error -> `{ name, message }` (message scrubbed, no stack, no
 *   cause: stacks leak paths and causes leak upstream payloads); Map -> object (keys as strings); Set -> array;
 *   bytes (Buffer, typed arrays, ArrayBuffer) -> `'[Uint8Array: 32 bytes]'` and never their content, since a
 *   key is often held as bytes; bigint -> decimal string; NaN / Infinity -> their names as strings; -0 -> 0;
 *   URL -> scrubbed href; functions and symbols -> a short label; objects with `toJSON` -> their JSON form;
 *   a reference back to an enclosing object -> `'[Circular]'` (a shared, non-cyclic reference is copied);
 *   a property whose getter throws -> `'[Unreadable]'`; `undefined` -> omitted from objects, null elsewhere.
 *
 * Idempotent: redacting a redacted value returns an equal value (masks are recognised and kept).
 */
export function redact(value: unknown, options: RedactOptions = {}): JsonValue {
  return new Redactor({ ...REDACT_DEFAULTS, ...options }).walk(value, 0, false);
}

class Redactor {
  /** The objects on the path from the root to the current value: a repeat is a cycle. */
  private readonly ancestors = new Set<object>();

  constructor(private readonly limits: Required<RedactOptions>) {}

  walk(value: unknown, depth: number, secret: boolean): JsonValue {
    switch (typeof value) {
      case 'undefined':
        return null;
      case 'boolean':
        return value;
      case 'string':
        return secret ? maskSecret(value) : this.text(value);
      case 'number':
        if (secret) {
          return maskSecret(String(value));
        }
        if (!Number.isFinite(value)) {
          return String(value);
        }
        return Object.is(value, -0) ? 0 : value;
      case 'bigint':
        return secret ? maskSecret(value.toString()) : value.toString();
      case 'symbol':
        return secret ? maskSecret(value.toString()) : this.text(value.toString());
      case 'function':
        return `[Function ${value.name || 'anonymous'}]`;
      case 'object':
        return value === null ? null : this.object(value, depth, secret);
    }
  }

  private text(value: string): string {
    return truncate(redactText(value), this.limits.maxStringLength);
  }

  private object(value: object, depth: number, secret: boolean): JsonValue {
    if (value instanceof Date) {
      const iso = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      return secret ? maskSecret(iso) : iso;
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
      return `[${value.constructor.name}: ${value.byteLength} bytes]`;
    }
    if (this.ancestors.has(value)) {
      return '[Circular]';
    }
    if (depth >= this.limits.maxDepth) {
      return '[Max depth]';
    }
    this.ancestors.add(value);
    try {
      return this.container(value, depth + 1, secret);
    } catch {
      // A Proxy or an exotic object that throws while being listed.
      return '[Unreadable]';
    } finally {
      this.ancestors.delete(value);
    }
  }

  private container(value: object, depth: number, secret: boolean): JsonValue {
    if (value instanceof Error) {
      return this.entries(
        [
          ['name', value.name],
          ['message', value.message],
        ],
        depth,
        secret,
      );
    }
    if (Array.isArray(value)) {
      return this.list(value, depth, secret);
    }
    if (value instanceof Set) {
      return this.list(Array.from(value as Set<unknown>), depth, secret);
    }
    if (value instanceof Map) {
      const entries = Array.from(
        value as Map<unknown, unknown>,
        ([key, item]) => [mapKey(key), item] as const,
      );
      return this.entries(entries, depth, secret);
    }
    if (value instanceof URL || value instanceof RegExp) {
      return this.walk(String(value), depth, secret);
    }
    const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return this.walk((toJSON as (this: object) => unknown).call(value), depth, secret);
    }
    return this.entries(
      Object.keys(value).map((key) => [key, readProperty(value, key)] as const),
      depth,
      secret,
    );
  }

  private list(items: readonly unknown[], depth: number, secret: boolean): JsonValue[] {
    const keep = keptCount(items.length, this.limits.maxEntries);
    const out = items.slice(0, keep).map((item) => this.walk(item, depth, secret));
    if (items.length > keep) {
      out.push(`[+${items.length - keep} more items]`);
    }
    return out;
  }

  private entries(
    entries: ReadonlyArray<readonly [string, unknown]>,
    depth: number,
    secret: boolean,
  ): { [key: string]: JsonValue } {
    const keep = keptCount(entries.length, this.limits.maxEntries);
    const out: Array<[string, JsonValue]> = [];
    for (const [key, item] of entries.slice(0, keep)) {
      if (item === undefined) {
        continue;
      }
      const name = keyInfo(key);
      out.push([
        truncate(name.text, this.limits.maxStringLength),
        this.walk(item, depth, secret || name.secret),
      ]);
    }
    if (entries.length > keep) {
      out.push(['[truncated]', `[+${entries.length - keep} more keys]`]);
    }
    // fromEntries defines own properties, so a key named `__proto__` stays data and never sets a prototype.
    return Object.fromEntries(out);
  }
}

/**
 * Field names repeat endlessly (every log line and audit event has the same few), and scrubbing a name such as
 * `inputTokens` runs the whole text scrubber (it contains "token"). So each name's scrubbed text and whether it
 * marks a secret are remembered; the memo is bounded, because names can come from untrusted input.
 */
const KEY_MEMO_LIMIT = 5000;
const keyMemo = new Map<string, { text: string; secret: boolean }>();

function keyInfo(key: string): { text: string; secret: boolean } {
  let info = keyMemo.get(key);
  if (info === undefined) {
    info = { text: redactText(key), secret: isSecretFieldName(key) };
    if (keyMemo.size >= KEY_MEMO_LIMIT) keyMemo.clear();
    keyMemo.set(key, info);
  }
  return info;
}

/** A property's value, or `'[Unreadable]'` when its getter throws. */
function readProperty(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

/** How many entries to keep so that, with the note about the rest, a container has at most `max`. */
function keptCount(length: number, max: number): number {
  return length <= max ? length : Math.max(0, max - 1);
}

function mapKey(key: unknown): string {
  if (typeof key === 'string') {
    return key;
  }
  if (key === null || (typeof key !== 'object' && typeof key !== 'function')) {
    return String(key);
  }
  return `[${Object.prototype.toString.call(key).slice(8, -1)}]`;
}

/**
 * Cuts `text` to at most `max` UTF-16 units INCLUDING the note saying how much was cut (so a cut string is not
 * cut again by a second pass), never between the halves of a surrogate pair.
 */
function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  // The note's length depends on the count it reports; sizing it for the whole length is enough.
  let cut = Math.max(0, max - note(text.length).length);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    cut -= 1;
  }
  return text.slice(0, cut) + note(text.length - cut);
}

function note(omitted: number): string {
  return `…[+${omitted} chars]`;
}
