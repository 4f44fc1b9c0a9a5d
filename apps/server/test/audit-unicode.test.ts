/**
 * Text that is not well-formed UTF-16 (a lone surrogate, as a fuzzer or a hostile client sends) cannot be
 * stored as UTF-8: SQLite keeps U+FFFD in its place. An audit event hashed over the original text would then
 * never verify again. Found by `pnpm soak`'s fuzzing; each field is made well-formed before it is hashed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './helpers';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

it('an event whose text carries lone surrogates is stored as hashed, and the chain verifies', () => {
  const lone = 'model\ud800x\udfffy';
  const event = t.hub.services.audit.record(
    { did: null, role: null, via: 'apiKey' },
    { requestId: 'req\udc00', ip: '127.0.0.1', userAgent: `agent ${lone}` },
    {
      action: 'ai.chat',
      outcome: 'denied',
      reason: `Unknown model ${lone}`,
      targetType: 'model',
      targetId: lone,
      details: { requested: lone },
    },
  );
  expect(event.targetId).toBe('model\ufffdx\ufffdy');
  const [row] = t.hub.services.hubDb.$client
    .prepare('SELECT target_id, user_agent, request_id FROM audit_events WHERE id = ?')
    .all(event.id) as { target_id: string; user_agent: string; request_id: string }[];
  expect(row).toEqual({
    target_id: 'model\ufffdx\ufffdy',
    user_agent: 'agent model\ufffdx\ufffdy',
    request_id: 'req\ufffd',
  });
  expect(t.hub.services.audit.verify()).toMatchObject({ ok: true });
});
