/**
 * Request ids. A caller (a proxy, a tracing client) may send its own `x-request-id` so that its logs and
 * ours share one id; it is honoured only when it is well formed. Everything else gets a fresh UUID.
 *
 * Why so strict: the id is written into every log line of the request, the audit trail and the usage record,
 * and sent back as a header. A free-form value could forge log lines (newlines), bloat every row, or plant
 * something key-shaped that the redactor would then have to mask. So: 8 to 128 characters of letters,
 * digits and `._:-`, starting with a letter or digit (UUIDs, ULIDs, W3C trace ids, most proxies' ids), and
 * nothing the redactor would mask.
 */
import { randomUUID } from 'node:crypto';
import { redactText } from '@aigne-hub/core';

export const REQUEST_ID_HEADER = 'x-request-id';

const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** Whether a client-sent request id may be used as ours. */
export function isWellFormedRequestId(value: string): boolean {
  return WELL_FORMED.test(value) && redactText(value) === value;
}

/**
 * The request id for an incoming request: the caller's `x-request-id` when well formed, else a new UUID.
 * Note that a caller's id is not guaranteed unique; the audit trail's own event ids are.
 */
export function requestIdFor(headers: Record<string, string | string[] | undefined>): string {
  const sent = headers[REQUEST_ID_HEADER];
  const value = Array.isArray(sent) ? sent[0] : sent;
  return value !== undefined && isWellFormedRequestId(value) ? value : randomUUID();
}
