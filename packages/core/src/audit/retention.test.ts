/**
 * Verifying a trail whose oldest events were pruned behind a checkpoint, and comparing its end with the head
 * recorded outside it: every way to remove events that is not a checkpointed prune must be found.
 */
import { describe, expect, it } from 'vitest';
import { chain } from './chain';
import {
  AUDIT_CHECKPOINT_ACTION,
  checkpointDetails,
  checkpointOf,
  readCheckpoint,
  type AuditCheckpoint,
} from './checkpoint';
import { createAuditEvent } from './create-event';
import { sealAuditHead } from './head';
import { AUDIT_GENESIS_HASH, type AuditEvent } from './types';
import { verifyChain } from './verify';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const OTHER_KEY = new Uint8Array(32).fill(7);
const START = Date.UTC(2025, 0, 31, 12, 0, 0, 0);

function append(events: AuditEvent[], input: Parameters<typeof createAuditEvent>[0]): AuditEvent {
  const previous = events.at(-1) ?? null;
  const event = createAuditEvent(input, previous, KEY, {
    now: new Date(START + (previous?.seq ?? 0) * 1000),
  });
  events.push(event);
  return event;
}

function trail(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) append(events, { action: 'ai.chat', outcome: 'success', details: { n: i } });
  return events;
}

/** What the retention job does: append a checkpoint for events[0..count-1], then drop them. */
function prune(events: AuditEvent[], count: number, key: Uint8Array = KEY): AuditEvent[] {
  const checkpoint = checkpointOf(events[0]!, events[count - 1]!);
  const kept = events.slice(count);
  const previous = kept.at(-1)!;
  const event = createAuditEvent(
    {
      action: AUDIT_CHECKPOINT_ACTION,
      outcome: 'success',
      via: 'system',
      details: checkpointDetails(checkpoint, { retentionDays: 30 }),
    },
    previous,
    key,
    { now: new Date(START + previous.seq * 1000) },
  );
  return [...kept, event];
}

const checkpointIn = (events: AuditEvent[]) =>
  [...events].reverse().find((event) => event.action === AUDIT_CHECKPOINT_ACTION) ?? null;

describe('checkpoints', () => {
  const events = trail(6);

  it('describe the removed range by its first and last event', () => {
    expect(checkpointOf(events[1]!, events[3]!)).toEqual({
      fromSeq: 2,
      toSeq: 4,
      count: 3,
      firstTs: events[1]!.ts,
      lastTs: events[3]!.ts,
      prefixHash: events[3]!.hash,
      anchorHash: events[0]!.hash,
    });
    expect(checkpointOf(events[0]!, events[0]!).anchorHash).toBe(AUDIT_GENESIS_HASH);
    expect(() => checkpointOf(events[3]!, events[1]!)).toThrow('must not end before it starts');
  });

  it('round-trip through event details, extra details kept but never overriding', () => {
    const checkpoint = checkpointOf(events[0]!, events[2]!);
    const details = checkpointDetails(checkpoint, { cutoff: '2025-01-01T00:00:00.000Z', toSeq: 99 });
    expect(details).toMatchObject({ ...checkpoint, cutoff: '2025-01-01T00:00:00.000Z' });
    expect(readCheckpoint({ action: AUDIT_CHECKPOINT_ACTION, details })).toEqual(checkpoint);
  });

  it('are only read from well-formed checkpoint events', () => {
    const good = checkpointDetails(checkpointOf(events[0]!, events[2]!));
    expect(readCheckpoint({ action: 'ai.chat', details: good })).toBeNull();
    expect(readCheckpoint({ action: AUDIT_CHECKPOINT_ACTION, details: null })).toBeNull();
    for (const broken of [
      { ...good, count: 4 },
      { ...good, toSeq: 0 },
      { ...good, fromSeq: 5 },
      { ...good, prefixHash: 'x' },
      { ...good, anchorHash: null },
      { ...good, firstTs: '2025-01-31' },
    ]) {
      expect(readCheckpoint({ action: AUDIT_CHECKPOINT_ACTION, details: broken })).toBeNull();
    }
  });
});

describe('verifyChain from a checkpoint', () => {
  const full = trail(10);
  const pruned = prune(full, 4); // events 5..10 and the checkpoint at seq 11
  const checkpoint = checkpointIn(pruned)!;

  it('proves the remaining chain from the checkpoint and reports it', () => {
    expect(checkpoint.seq).toBe(11);
    expect(verifyChain(pruned, KEY, { checkpoint })).toEqual({
      ok: true,
      count: 7,
      head: { seq: 11, hash: checkpoint.hash },
      checkpoint: {
        fromSeq: 1,
        toSeq: 4,
        count: 4,
        firstTs: full[0]!.ts,
        lastTs: full[3]!.ts,
        prefixHash: full[3]!.hash,
        anchorHash: AUDIT_GENESIS_HASH,
        seq: 11,
        hash: checkpoint.hash,
      },
    });
  });

  it('after a second prune, from the newest checkpoint (the first one pruned with the rest)', () => {
    const twice = prune(pruned, 6); // events 5..10 go, checkpoint at seq 12
    const newest = checkpointIn(twice)!;
    expect(twice.map((event) => event.seq)).toEqual([11, 12]);
    const result = verifyChain(twice, KEY, { checkpoint: newest });
    expect(result).toMatchObject({
      ok: true,
      count: 2,
      checkpoint: { fromSeq: 5, toSeq: 10, anchorHash: full[3]!.hash, prefixHash: full[9]!.hash, seq: 12 },
    });
    // The older checkpoint no longer accounts for the start of the trail.
    expect(verifyChain(twice, KEY, { checkpoint })).toMatchObject({ ok: false, seq: 11, reason: 'deleted' });
  });

  it('reports no checkpoint for a chain that still starts at seq 1', () => {
    expect(verifyChain(full, KEY, { checkpoint: null })).toEqual({
      ok: true,
      count: 10,
      head: { seq: 10, hash: full[9]!.hash },
      checkpoint: null,
    });
  });

  it('finds oldest events removed without a checkpoint', () => {
    expect(verifyChain(full.slice(3), KEY, { checkpoint: null })).toEqual({
      ok: false,
      index: 0,
      seq: 4,
      id: full[3]!.id,
      reason: 'missing_checkpoint',
      message: 'The trail starts at seq 4: the 3 events before seq 4 were removed without a checkpoint',
    });
    // Without checkpoint-aware verification this is an ordinary deletion.
    expect(verifyChain(full.slice(3), KEY)).toMatchObject({ ok: false, seq: 4, reason: 'deleted' });
  });

  it('finds a forged checkpoint (made without the audit key)', () => {
    const forged = { ...checkpoint, hash: chain(checkpoint.prevHash, checkpoint, OTHER_KEY) };
    const events = [...pruned.slice(0, -1), forged];
    expect(verifyChain(events, KEY, { checkpoint: forged })).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'missing_checkpoint',
      message:
        'The trail starts at seq 5, and the checkpoint at seq 11 that would account for the 4 events before seq 5 is not authentic',
    });
  });

  it('finds a checkpoint whose details are not a checkpoint', () => {
    const events: AuditEvent[] = full.slice(4);
    const bogus = append(events, {
      action: AUDIT_CHECKPOINT_ACTION,
      outcome: 'success',
      details: { toSeq: 4 },
    });
    expect(verifyChain(events, KEY, { checkpoint: bogus })).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'missing_checkpoint',
      message: expect.stringMatching(/is malformed$/) as unknown,
    });
  });

  it('finds events deleted right after the checkpointed range', () => {
    const events = pruned.slice(2); // events 5 and 6 gone too
    expect(verifyChain(events, KEY, { checkpoint })).toEqual({
      ok: false,
      index: 0,
      seq: 7,
      id: full[6]!.id,
      reason: 'deleted',
      message:
        '2 events are missing before seq 7: the newest checkpoint (seq 11) accounts only for events through seq 4',
    });
  });

  it('finds pruned events put back', () => {
    const events = [full[3]!, ...pruned];
    expect(verifyChain(events, KEY, { checkpoint })).toMatchObject({
      ok: false,
      seq: 4,
      reason: 'inserted',
    });
  });

  it('finds a checkpoint that is authentic but not part of this chain', () => {
    // Signed with the audit key and saying the right things, but at a position the chain does not have.
    const other = { ...checkpoint, seq: 99 };
    const signed = { ...other, hash: chain(other.prevHash, other, KEY) };
    expect(verifyChain(pruned, KEY, { checkpoint: signed })).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'missing_checkpoint',
      message: 'The checkpoint at seq 99 that accounts for the events before seq 5 is not part of the chain',
    });
  });

  it('reports a break inside the chain before anything about checkpoints or the head', () => {
    const edited = pruned.map((event) => (event.seq === 7 ? { ...event, reason: 'x' } : event));
    expect(
      verifyChain(edited, KEY, { checkpoint, head: sealAuditHead({ seq: 50, hash: 'a'.repeat(64) }, KEY) }),
    ).toMatchObject({ ok: false, seq: 7, reason: 'edited' });
  });
});

describe('verifyChain against the recorded head', () => {
  const events = trail(10);
  const sealedAt = (index: number, key = KEY) =>
    sealAuditHead({ seq: events[index]!.seq, hash: events[index]!.hash }, key);

  it('passes when the chain ends at the sealed head', () => {
    expect(verifyChain(events, KEY, { head: sealedAt(9) })).toEqual({
      ok: true,
      count: 10,
      head: { seq: 10, hash: events[9]!.hash },
      headRecord: 'sealed',
    });
  });

  it('accepts an unsealed head (written by the upgrade) only where the chain ends', () => {
    const unsealed = { seq: 10, hash: events[9]!.hash, mac: null };
    expect(verifyChain(events, KEY, { head: unsealed })).toMatchObject({ ok: true, headRecord: 'unsealed' });
    expect(verifyChain(events.slice(0, 8), KEY, { head: unsealed })).toMatchObject({
      ok: false,
      reason: 'truncated',
    });
  });

  it('finds the newest events removed (a truncated tail)', () => {
    expect(verifyChain(events.slice(0, 7), KEY, { head: sealedAt(9) })).toEqual({
      ok: false,
      index: 7,
      seq: 10,
      id: null,
      reason: 'truncated',
      message: 'The trail ends at seq 7, but its recorded head is seq 10: the 3 newest events were removed',
    });
  });

  it('finds every event removed', () => {
    expect(verifyChain([], KEY, { head: sealedAt(0) })).toMatchObject({
      ok: false,
      seq: 1,
      reason: 'truncated',
      message: 'The trail ends at seq 0, but its recorded head is seq 1: the 1 newest event was removed',
    });
  });

  it('finds a removed head record', () => {
    expect(verifyChain(events, KEY, { head: null })).toEqual({
      ok: false,
      index: 9,
      seq: 10,
      id: events[9]!.id,
      reason: 'head_missing',
      message:
        'No head is recorded outside the trail for its events through seq 10: the record was removed, so removing the newest events would go unnoticed',
    });
    expect(verifyChain([], KEY, { head: null })).toEqual({
      ok: true,
      count: 0,
      head: null,
      headRecord: 'none',
    });
  });

  it('finds a head record written without the key', () => {
    const forged = sealedAt(6, OTHER_KEY);
    expect(verifyChain(events.slice(0, 7), KEY, { head: forged })).toMatchObject({
      ok: false,
      seq: 7,
      id: events[6]!.id,
      reason: 'head_invalid',
    });
  });

  it('finds a head record set back to an older one (a replay)', () => {
    expect(verifyChain(events, KEY, { head: sealedAt(6) })).toEqual({
      ok: false,
      index: 7,
      seq: 8,
      id: events[7]!.id,
      reason: 'head_mismatch',
      message:
        'The trail continues past its recorded head (seq 7) to seq 10: the head record was set back, or events were added without updating it',
    });
  });

  it('finds the newest event replaced by another authentic one', () => {
    const replaced = [...events.slice(0, 9)];
    append(replaced, { action: 'users.setRole', outcome: 'success' });
    expect(verifyChain(replaced, KEY, { head: sealedAt(9) })).toMatchObject({
      ok: false,
      index: 9,
      seq: 10,
      id: replaced[9]!.id,
      reason: 'head_mismatch',
      message: 'The newest event (seq 10) is not the one recorded as the head: it was replaced',
    });
  });

  it('finds a head that is not part of the chain', () => {
    const stranger = sealAuditHead({ seq: 4, hash: 'e'.repeat(64) }, KEY);
    expect(verifyChain(events, KEY, { head: stranger })).toMatchObject({
      ok: false,
      seq: 4,
      id: events[3]!.id,
      reason: 'head_mismatch',
      message: 'The recorded head (seq 4) is not part of this chain',
    });
  });

  it('works together with a checkpoint', () => {
    const pruned = prune(events, 5);
    const last = pruned.at(-1)!;
    expect(
      verifyChain(pruned, KEY, {
        checkpoint: checkpointIn(pruned),
        head: sealAuditHead({ seq: last.seq, hash: last.hash }, KEY),
      }),
    ).toMatchObject({ ok: true, count: 6, headRecord: 'sealed', checkpoint: { toSeq: 5, seq: 11 } });
  });
});

describe('a checkpoint keeps its meaning', () => {
  it('is an ordinary chained event: editing what it says breaks the chain', () => {
    const pruned = prune(trail(6), 3);
    const checkpoint = pruned.at(-1)!;
    const lied: AuditCheckpoint = { ...readCheckpoint(checkpoint)!, count: 2, fromSeq: 2 };
    const edited = { ...checkpoint, details: checkpointDetails(lied) };
    const events = [...pruned.slice(0, -1), edited];
    expect(verifyChain(events, KEY, { checkpoint: edited })).toMatchObject({
      ok: false,
      seq: 4,
      reason: 'missing_checkpoint',
    });
  });
});
