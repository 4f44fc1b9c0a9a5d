import type { AuditEvent } from './types';

/**
 * Export lines for the audit trail. Every event becomes exactly ONE line, whatever its fields hold: a user agent,
 * a reason or a detail string full of CR, LF, NUL, U+2028 or quotes can neither split a line nor start a new
 * record. Both formats carry every field, `prevHash` and `hash` included, so an export can be verified again.
 */

/** Every field of an event, in the order of the canonical form, with `hash` last. Also the CSV columns. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'id',
  'ts',
  'actorDid',
  'actorRole',
  'via',
  'ip',
  'userAgent',
  'requestId',
  'action',
  'targetType',
  'targetId',
  'outcome',
  'reason',
  'details',
  'prevHash',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditEvent>;

/** The CSV header line, CRLF-terminated as RFC 4180 asks. */
export const AUDIT_CSV_HEADER = `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;

/**
 * Characters some readers treat as a line break although JSON does not escape them: DEL and the C1 controls
 * (U+0085 NEL among them), and U+2028 / U+2029 (Python's `splitlines`, some editors and log shippers).
 */
const JSON_UNESCAPED_BREAKS = /[\u007f-\u009f\u2028\u2029]/g;

/**
 * One NDJSON line (with its `\n`): the event as JSON with its fields in `AUDIT_CSV_COLUMNS` order. `JSON.stringify`
 * already escapes every C0 control (`\n`, `\r`, `\u0000`...); the characters above are escaped as `\uXXXX`
 * too. The line parses back to an equal event.
 */
export function toNdjsonLine(event: AuditEvent): string {
  const ordered = Object.fromEntries(AUDIT_CSV_COLUMNS.map((column) => [column, event[column]]));
  return `${JSON.stringify(ordered).replace(JSON_UNESCAPED_BREAKS, unicodeEscape)}\n`;
}

/**
 * One CSV row (with its CRLF) in `AUDIT_CSV_COLUMNS` order, RFC 4180:
 * - null is an empty, unquoted cell; every other value is quoted (`""` for an empty string), with `"` doubled;
 * - control characters never appear raw: `\` becomes `\\`, CR, LF and TAB become `\r`, `\n`, `\t`, and every
 *   other C0/C1 control, DEL, U+2028 and U+2029 becomes `\uXXXX`. Because the backslash is escaped too, the
 *   original text can be recovered exactly;
 * - formula injection: a cell whose text starts with `=`, `+`, `-`, `@`, TAB or CR (or their full-width forms),
 *   also after leading spaces, gets a `'` in front, so a spreadsheet shows it as text instead of running it;
 * - `details` is its JSON text.
 */
export function toCsvRow(event: AuditEvent): string {
  return `${AUDIT_CSV_COLUMNS.map((column) => csvCell(cellText(event, column))).join(',')}\r\n`;
}

function cellText(event: AuditEvent, column: (typeof AUDIT_CSV_COLUMNS)[number]): string | null {
  if (column === 'details') {
    return event.details === null ? null : JSON.stringify(event.details);
  }
  const value = event[column];
  return value === null ? null : String(value);
}

const FORMULA_START = /^[ ]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;
// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CSV_CONTROLS = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function csvCell(text: string | null): string {
  if (text === null) {
    return '';
  }
  const neutral = FORMULA_START.test(text) ? `'${text}` : text;
  const visible = neutral.replace(CSV_CONTROLS, (char) => NAMED_ESCAPES[char] ?? unicodeEscape(char));
  return `"${visible.replace(/"/g, '""')}"`;
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
