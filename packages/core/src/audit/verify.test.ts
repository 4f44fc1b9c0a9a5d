import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { chain } from './chain';
import { createAuditEvent } from './create-event';
import { AUDIT_GENESIS_HASH, type AuditEvent } from './types';
import { verifyChain } from './verify';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const OTHER_KEY = new Uint8Array(32).fill(7);
const START = Date.UTC(2025, 0, 31, 12, 0, 0, 0);

/** A genuine chain of `n` events (seq 1..n), optionally continuing from `after`. */
function buildChain(n: number, key: Uint8Array = KEY, after: AuditEvent | null = null): AuditEvent[] {
  const events: AuditEvent[] = [];
  let previous = after;
  for (let i = 0; i < n; i++) {
    const seq = (previous?.seq ?? 0) + 1;
    const event = createAuditEvent(
      {
        action: i % 2 === 0 ? 'ai.chat' : 'credentials.update',
        outcome: 'success',
        actorDid: `did:abt:user${seq}`,
        actorRole: 'admin',
        via: 'apiKey',
        details: { n: seq, model: 'gpt-4o-mini', nested: { inputTokens: seq * 10 } },
      },
      previous,
      key,
      { now: new Date(START + seq) },
    );
    events.push(event);
    previous = event;
  }
  return events;
}

/** Re-signs an event with the wrong key: what someone without the audit key can produce at best. */
function forge(event: Omit<AuditEvent, 'hash'>): AuditEvent {
  return { ...event, hash: chain(event.prevHash, event, OTHER_KEY) };
}

function at(events: AuditEvent[], index: number): AuditEvent {
  const event = events[index];
  if (event === undefined) {
    throw new Error(`no event at ${index}`);
  }
  return event;
}

const CHAIN = buildChain(10);

describe('verifyChain: a genuine chain', () => {
  it('verifies and reports the head', () => {
    expect(verifyChain(CHAIN, KEY)).toEqual({
      ok: true,
      count: 10,
      head: { seq: 10, hash: at(CHAIN, 9).hash },
    });
  });

  it('verifies an empty chain (head null, or the anchor)', () => {
    expect(verifyChain([], KEY)).toEqual({ ok: true, count: 0, head: null });
    const anchor = { seq: 5, hash: at(CHAIN, 4).hash };
    expect(verifyChain([], KEY, { anchor })).toEqual({ ok: true, count: 0, head: anchor });
  });

  it('verifies from an anchor (a retention checkpoint) instead of genesis', () => {
    const tail = CHAIN.slice(5);
    expect(verifyChain(tail, KEY, { anchor: { seq: 5, hash: at(CHAIN, 4).hash } })).toEqual({
      ok: true,
      count: 5,
      head: { seq: 10, hash: at(CHAIN, 9).hash },
    });
    // Without the anchor, the same tail is missing its first five events.
    expect(verifyChain(tail, KEY)).toMatchObject({ ok: false, index: 0, seq: 6, reason: 'deleted' });
  });

  it('streams: accepts a generator and stops reading at the first bad event', () => {
    let pulled = 0;
    let closed = false;
    const tampered = CHAIN.map((event, i) => (i === 2 ? { ...event, actorRole: 'owner' } : event));
    function* rows(): Generator<AuditEvent> {
      try {
        for (const event of tampered) {
          pulled += 1;
          yield event;
        }
      } finally {
        closed = true;
      }
    }
    expect(verifyChain(rows(), KEY)).toMatchObject({ ok: false, index: 2, reason: 'edited' });
    // The bad event and one of look-ahead, no more; and the source was closed (a database cursor is released).
    expect(pulled).toBe(4);
    expect(closed).toBe(true);
  });

  it('fails every event under the wrong key', () => {
    expect(verifyChain(CHAIN, OTHER_KEY)).toMatchObject({ ok: false, index: 0, seq: 1, reason: 'edited' });
  });

  it('rejects a malformed anchor', () => {
    expect(() => verifyChain(CHAIN, KEY, { anchor: { seq: -1, hash: AUDIT_GENESIS_HASH } })).toThrow(
      ValidationError,
    );
    expect(() => verifyChain(CHAIN, KEY, { anchor: { seq: 1, hash: 'nope' } })).toThrow(ValidationError);
  });
});

describe('verifyChain: each attack gets its reason', () => {
  function tampered(edit: (events: AuditEvent[]) => AuditEvent[]): AuditEvent[] {
    return edit(CHAIN.map((event) => ({ ...event })));
  }

  it('edited: one field changed', () => {
    const events = tampered((e) => e.map((event, i) => (i === 4 ? { ...event, actorRole: 'owner' } : event)));
    expect(verifyChain(events, KEY)).toEqual({
      ok: false,
      index: 4,
      seq: 5,
      id: at(CHAIN, 4).id,
      reason: 'edited',
      message:
        'Event at seq 5 does not match its hash: it was changed after it was written (or forged without the audit key)',
    });
  });

  it('edited: a value deep inside details changed', () => {
    const events = tampered((e) =>
      e.map((event, i) =>
        i === 6 ? { ...event, details: { ...event.details, nested: { inputTokens: 1 } } } : event,
      ),
    );
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 6, seq: 7, reason: 'edited' });
  });

  it('edited: content changed and the hash recomputed without the key', () => {
    const events = tampered((e) =>
      e.map((event, i) => (i === 4 ? forge({ ...event, outcome: 'denied' }) : event)),
    );
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 4, seq: 5, reason: 'edited' });
  });

  it('edited: the seq or prevHash field of an event changed', () => {
    const seqEdited = tampered((e) => e.map((event, i) => (i === 4 ? { ...event, seq: 50 } : event)));
    expect(verifyChain(seqEdited, KEY)).toMatchObject({ ok: false, index: 4, seq: 50, reason: 'edited' });
    const linkEdited = tampered((e) =>
      e.map((event, i) => (i === 4 ? { ...event, prevHash: 'a'.repeat(64) } : event)),
    );
    expect(verifyChain(linkEdited, KEY)).toMatchObject({ ok: false, index: 4, seq: 5, reason: 'edited' });
  });

  it('edited: the newest event changed', () => {
    const events = tampered((e) => e.map((event, i) => (i === 9 ? { ...event, ip: '198.51.100.1' } : event)));
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 9, seq: 10, reason: 'edited' });
  });

  it('edited: a row that is not even hashable (corrupt ts or details)', () => {
    const badTs = tampered((e) => e.map((event, i) => (i === 3 ? { ...event, ts: 'yesterday' } : event)));
    expect(verifyChain(badTs, KEY)).toMatchObject({ ok: false, index: 3, reason: 'edited' });
    const badDetails = tampered((e) =>
      e.map((event, i) => (i === 3 ? ({ ...event, details: '{"n":4}' } as unknown as AuditEvent) : event)),
    );
    expect(verifyChain(badDetails, KEY)).toMatchObject({ ok: false, index: 3, reason: 'edited' });
  });

  it('deleted: a middle event removed', () => {
    const events = tampered((e) => e.filter((_, i) => i !== 4));
    expect(verifyChain(events, KEY)).toEqual({
      ok: false,
      index: 4,
      seq: 6,
      id: at(CHAIN, 5).id,
      reason: 'deleted',
      message: '1 event is missing before seq 6 (expected seq 5)',
    });
  });

  it('deleted: the first event removed', () => {
    const events = tampered((e) => e.slice(1));
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 0, seq: 2, reason: 'deleted' });
  });

  it('deleted: several consecutive events removed', () => {
    const events = tampered((e) => [...e.slice(0, 3), ...e.slice(6)]);
    expect(verifyChain(events, KEY)).toMatchObject({
      ok: false,
      index: 3,
      seq: 7,
      reason: 'deleted',
      message: '3 events are missing before seq 7 (expected seq 4)',
    });
  });

  it('inserted: a copy of an event right after it', () => {
    const events = tampered((e) => [...e.slice(0, 3), { ...at(e, 2) }, ...e.slice(3)]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 3, seq: 3, reason: 'inserted' });
  });

  it('inserted: a copy of an old event appended at the end', () => {
    const events = tampered((e) => [...e, { ...at(e, 2) }]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 10, seq: 3, reason: 'inserted' });
  });

  it('inserted: a forged event in front of the real one, with a fitting seq and link', () => {
    const events = tampered((e) => {
      const fake = forge({ ...at(e, 4), id: 'forged', action: 'credentials.delete' });
      return [...e.slice(0, 4), fake, ...e.slice(4)];
    });
    expect(verifyChain(events, KEY)).toMatchObject({
      ok: false,
      index: 4,
      seq: 5,
      id: 'forged',
      reason: 'inserted',
    });
  });

  it('inserted: a forged event with a seq that fits nowhere', () => {
    const events = tampered((e) => [
      ...e,
      forge({ ...at(e, 9), seq: 42, id: 'forged', prevHash: at(e, 9).hash }),
    ]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 10, seq: 42, reason: 'inserted' });
  });

  it('edited (documented limit): a forged event appended exactly at the head', () => {
    // Indistinguishable from an edit of a genuine newest event; detected either way.
    const events = tampered((e) => [
      ...e,
      forge({ ...at(e, 9), seq: 11, id: 'forged', prevHash: at(e, 9).hash }),
    ]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 10, seq: 11, reason: 'edited' });
  });

  it('reordered: two adjacent rows swapped', () => {
    const events = tampered((e) => [...e.slice(0, 4), at(e, 5), at(e, 4), ...e.slice(6)]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 4, seq: 6, reason: 'reordered' });
  });

  it('reordered: the first two rows swapped', () => {
    const events = tampered((e) => [at(e, 1), at(e, 0), ...e.slice(2)]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 0, seq: 2, reason: 'reordered' });
  });

  it('reordered: the seq values of two adjacent events exchanged (read back by seq)', () => {
    const events = tampered((e) => [
      ...e.slice(0, 4),
      { ...at(e, 5), seq: 5 },
      { ...at(e, 4), seq: 6 },
      ...e.slice(6),
    ]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 4, seq: 5, reason: 'reordered' });
  });

  it('reordered: two distant rows swapped', () => {
    const events = tampered((e) => [...e.slice(0, 2), at(e, 7), ...e.slice(3, 7), at(e, 2), ...e.slice(8)]);
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 2, seq: 8, reason: 'reordered' });
  });

  it('broken_link: an anchor whose hash is not the real one', () => {
    const result = verifyChain(CHAIN.slice(5), KEY, { anchor: { seq: 5, hash: 'b'.repeat(64) } });
    expect(result).toMatchObject({ ok: false, index: 0, seq: 6, reason: 'broken_link' });
  });

  it('broken_link: a fork (an authentic event chained onto another branch)', () => {
    const branch = buildChain(3, KEY, at(CHAIN, 2)); // seq 4..6 chained onto seq 3
    const otherBranch = buildChain(1, KEY, { ...at(CHAIN, 3), hash: 'c'.repeat(64) }); // seq 5 onto a foreign head
    const events = [...CHAIN.slice(0, 3), at(branch, 0), at(otherBranch, 0)];
    expect(verifyChain(events, KEY)).toMatchObject({ ok: false, index: 4, seq: 5, reason: 'broken_link' });
  });
});
