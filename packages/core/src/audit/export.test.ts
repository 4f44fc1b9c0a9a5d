import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAuditEvent } from './create-event';
import { AUDIT_CSV_COLUMNS, AUDIT_CSV_HEADER, toCsvRow, toNdjsonLine } from './export';
import { AUDIT_GENESIS_HASH, type AuditEvent } from './types';
import { verifyChain } from './verify';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

const BASE: AuditEvent = {
  seq: 7,
  id: '0194c0a4-9a00-7000-8000-000000000000',
  ts: '2025-01-31T12:00:00.000Z',
  actorDid: 'did:abt:z1owner',
  actorRole: 'owner',
  via: 'session',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  requestId: 'req-1',
  action: 'credentials.create',
  targetType: 'credential',
  targetId: 'cred_1',
  outcome: 'success',
  reason: null,
  details: { provider: 'openai' },
  prevHash: AUDIT_GENESIS_HASH,
  hash: 'f'.repeat(64),
};

/** What spreadsheets may evaluate: =, +, -, @ (also full-width, also after spaces), or a leading TAB / CR. */
const FORMULA = /^[ ]*[=+\-@＝＋－＠]|^[\t\r]/;

/** Line breaks of every kind a reader might split on. */
// eslint-disable-next-line no-control-regex
const BREAKS = /[\r\n\u0085\u2028\u2029\u000b\u000c\u001c-\u001e]/;

/** A small, independent RFC 4180 reader for one record (no line breaks inside, by the property under test). */
function parseCsvRecord(line: string): Array<string | null> {
  const cells: Array<string | null> = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) {
          throw new Error('unterminated quote');
        }
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      cells.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const raw = line.slice(i, end);
      cells.push(raw === '' ? null : raw);
      i = end;
    }
    if (i >= line.length) {
      return cells;
    }
    if (line[i] !== ',') {
      throw new Error(`expected a comma at ${i}`);
    }
    i += 1;
  }
}

/** Undoes the visible escapes: `\\`, `\n`, `\r`, `\t`, `\uXXXX`. */
function unescapeCell(cell: string): string {
  return cell.replace(/\\(\\|n|r|t|u[0-9a-f]{4})/g, (_, code: string) => {
    switch (code) {
      case '\\':
        return '\\';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return String.fromCharCode(parseInt(code.slice(1), 16));
    }
  });
}

const nasty = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom(
      '\r',
      '\n',
      '\0',
      '\u2028',
      '\u2029',
      '\u0085',
      '"',
      ',',
      '\\',
      '=',
      '+',
      '-',
      '@',
      '\t',
      ' ',
      'a',
    ),
  }),
);
const nullableNasty = fc.option(nasty, { nil: null });

const EVENTS: fc.Arbitrary<AuditEvent> = fc
  .record({
    id: nasty,
    actorDid: nullableNasty,
    actorRole: nullableNasty,
    ip: nullableNasty,
    userAgent: nullableNasty,
    requestId: nullableNasty,
    action: nasty,
    targetType: nullableNasty,
    targetId: nullableNasty,
    reason: nullableNasty,
    details: fc.option(fc.dictionary(nasty, fc.oneof(nasty, fc.integer(), fc.constant(null))), { nil: null }),
  })
  .map((fields) => ({ ...BASE, ...fields }));

describe('toNdjsonLine', () => {
  it('writes one JSON line with the fields in column order', () => {
    const line = toNdjsonLine({ ...BASE, reason: 'a\nb\u2028c' });
    expect(line).toBe(
      '{"seq":7,"id":"0194c0a4-9a00-7000-8000-000000000000","ts":"2025-01-31T12:00:00.000Z","actorDid":"did:abt:z1owner",' +
        '"actorRole":"owner","via":"session","ip":"203.0.113.7","userAgent":"Mozilla/5.0","requestId":"req-1",' +
        '"action":"credentials.create","targetType":"credential","targetId":"cred_1","outcome":"success",' +
        `"reason":"a\\nb\\u2028c","details":{"provider":"openai"},"prevHash":"${AUDIT_GENESIS_HASH}","hash":"${'f'.repeat(64)}"}\n`,
    );
  });

  it('every event is exactly one line and parses back to itself (property)', () => {
    fc.assert(
      fc.property(EVENTS, (event) => {
        const line = toNdjsonLine(event);
        expect(line.endsWith('\n')).toBe(true);
        expect(BREAKS.test(line.slice(0, -1))).toBe(false);
        expect(JSON.parse(line)).toEqual(event);
      }),
    );
  });

  it('an exported chain verifies again after parsing', () => {
    const events: AuditEvent[] = [];
    for (let i = 0; i < 5; i++) {
      events.push(
        createAuditEvent(
          {
            action: 'ai.chat',
            outcome: 'success',
            reason: `line\r\n${i}\u2028`,
            details: { b: 1, a: [1.5, 'x\ny'], '10': 2, '9': 3 },
          },
          events.at(-1) ?? null,
          KEY,
        ),
      );
    }
    const file = events.map(toNdjsonLine).join('');
    const parsed = file
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(parsed).toHaveLength(5);
    expect(verifyChain(parsed, KEY)).toMatchObject({ ok: true, count: 5 });
  });
});

describe('toCsvRow', () => {
  it('has a header with every column', () => {
    expect(AUDIT_CSV_HEADER).toBe(
      'seq,id,ts,actorDid,actorRole,via,ip,userAgent,requestId,action,targetType,targetId,outcome,reason,details,prevHash,hash\r\n',
    );
  });

  it('quotes every value, leaves null empty, and escapes control characters visibly', () => {
    const row = toCsvRow({ ...BASE, actorDid: null, reason: 'say "hi",\r\nbye\t\\ \0', userAgent: '' });
    expect(row).toBe(
      `"7","0194c0a4-9a00-7000-8000-000000000000","2025-01-31T12:00:00.000Z",,"owner","session","203.0.113.7","",` +
        `"req-1","credentials.create","credential","cred_1","success","say ""hi"",\\r\\nbye\\t\\\\ \\u0000",` +
        `"{""provider"":""openai""}","${AUDIT_GENESIS_HASH}","${'f'.repeat(64)}"\r\n`,
    );
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\\t=1"],
    ['\r=1', "'\\r=1"],
    ['  =1', "'  =1"],
    ['＝1', "'＝1"],
    ['a=1', 'a=1'],
  ])('neutralizes a formula: %j', (value, cell) => {
    const row = toCsvRow({ ...BASE, userAgent: value });
    expect(parseCsvRecord(row.slice(0, -2))[7]).toBe(cell);
  });

  it('every event is exactly one record of all columns, recoverable and inert (property)', () => {
    fc.assert(
      fc.property(EVENTS, (event) => {
        const row = toCsvRow(event);
        expect(row.endsWith('\r\n')).toBe(true);
        const line = row.slice(0, -2);
        expect(BREAKS.test(line)).toBe(false);
        const cells = parseCsvRecord(line);
        expect(cells).toHaveLength(AUDIT_CSV_COLUMNS.length);
        AUDIT_CSV_COLUMNS.forEach((column, i) => {
          const cell = cells[i] ?? null;
          const value =
            column === 'details'
              ? event.details === null
                ? null
                : JSON.stringify(event.details)
              : event[column];
          if (value === null) {
            expect(cell).toBeNull();
            return;
          }
          expect(cell).not.toBeNull();
          const text = String(value);
          // No cell a spreadsheet would evaluate, and the text comes back exactly (after the guard quote).
          expect(FORMULA.test(cell ?? '')).toBe(false);
          expect(unescapeCell(cell ?? '')).toBe(FORMULA.test(text) ? `'${text}` : text);
        });
      }),
    );
  });
});
