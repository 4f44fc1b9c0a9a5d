/**
 * The credential health probe against a fake OpenAI-compatible upstream on 127.0.0.1, with the hub's clock
 * moved by the test: which credentials it probes (cooled-down or invalid, enabled, free providers unless paid
 * ones are allowed), how often (once per interval per credential, an admin's test counting; at most
 * `maxPerTick` per tick), what it records (health, one audit event, a metric) and what the credentials
 * router shows as `lastCheck`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CredentialProbe } from '../src/observability/credential-probe';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';
import { sample, scrape } from './observability-kit';

const GOOD_KEY = 'sk-proj-probeGoodKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const BAD_KEY = 'sk-proj-probeBadKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const METRICS_TOKEN = 'probe-metrics-token-0123456789abcdef';
const MINUTE = 60_000;

let t: TestHub;
let fake: FakeOpenAI;
let owner: HubClient;
let probe: CredentialProbe;
const ids: Record<'works' | 'broken' | 'paid' | 'spare', string> = {
  works: '',
  broken: '',
  paid: '',
  spare: '',
};
let localProviderId: string;

function db() {
  return t.hub.services.hubDb.$client;
}

function health(id: string) {
  return db()
    .prepare('SELECT status, status_reason, cooldown_until FROM credentials WHERE id = ?')
    .get(id) as { status: string; status_reason: string | null; cooldown_until: number | null };
}

function setHealth(
  id: string,
  status: 'healthy' | 'cooling' | 'invalid',
  cooldownUntil: number | null = null,
) {
  db()
    .prepare('UPDATE credentials SET status = ?, cooldown_until = ?, status_reason = NULL WHERE id = ?')
    .run(status, cooldownUntil, id);
}

function probeEvents(id: string) {
  return (
    db()
      .prepare(
        "SELECT actor_did, via, outcome, reason, details FROM audit_events WHERE action = 'credentials.probe' AND target_id = ? ORDER BY seq",
      )
      .all(id) as {
      actor_did: string | null;
      via: string;
      outcome: string;
      reason: string | null;
      details: string;
    }[]
  ).map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}

const hubNow = () => t.hub.services.clock().getTime();
const advance = (ms: number) => {
  t.time.offsetMs += ms;
};
const modelCalls = () => fake.requests.filter((r) => r.path === '/v1/models').length;
const byCredential = <T extends { credentialId: string }>(reports: T[]) =>
  [...reports].sort((a, b) => a.credentialId.localeCompare(b.credentialId));

beforeAll(async () => {
  fake = await FakeOpenAI.start({ keys: [GOOD_KEY] });
  t = await startTestHub({ HUB_METRICS_TOKEN: METRICS_TOKEN });
  // The hub's own probe runs on a real one-minute timer; this suite drives its own instance tick by tick.
  await t.hub.probe.stop();
  owner = (await signIn(t.hub.url, newWallet(), t.hub.setupCode!)).session.trpc;
  localProviderId = (
    await owner.providers.create.mutate({ kind: 'ollama', name: 'local', baseUrl: fake.baseUrl })
  ).id;
  const paid = await owner.providers.create.mutate({ kind: 'openai', name: 'paid', baseUrl: fake.baseUrl });
  const create = async (providerId: string, name: string, key: string) =>
    (await owner.credentials.create.mutate({ providerId, name, value: { api_key: key } })).id;
  ids.works = await create(localProviderId, 'works', GOOD_KEY);
  ids.broken = await create(localProviderId, 'broken', BAD_KEY);
  ids.spare = await create(localProviderId, 'spare', GOOD_KEY);
  ids.paid = await create(paid.id, 'paid', GOOD_KEY);
});

afterAll(async () => {
  await t.close();
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  probe = new CredentialProbe(t.hub.services, { maxPerTick: 5 });
});

describe('the credential probe', () => {
  it('does nothing while every credential is healthy', async () => {
    expect(await probe.tick()).toEqual([]);
    expect(modelCalls()).toBe(0);
  });

  it('probes cooled-down and invalid credentials of free providers, and records what it learns', async () => {
    setHealth(ids.works, 'invalid');
    setHealth(ids.broken, 'cooling', hubNow() - 1000);
    setHealth(ids.paid, 'invalid');
    const before = await scrape(t.hub.url, METRICS_TOKEN);

    const reports = await probe.tick();

    expect(byCredential(reports)).toEqual(
      byCredential([
        { credentialId: ids.works, provider: 'local', result: 'ok', from: 'invalid', to: 'healthy' },
        { credentialId: ids.broken, provider: 'local', result: 'rejected', from: 'cooling', to: 'invalid' },
      ]),
    );
    // Two list-models calls, each with its own credential; the paid provider was not called.
    expect(modelCalls()).toBe(2);
    expect(fake.requests.map((r) => r.headers.authorization).sort()).toEqual(
      [`Bearer ${BAD_KEY}`, `Bearer ${GOOD_KEY}`].sort(),
    );
    expect(health(ids.works)).toEqual({ status: 'healthy', status_reason: null, cooldown_until: null });
    expect(health(ids.broken).status).toBe('invalid');
    expect(health(ids.broken).status_reason).toMatch(
      /^Rejected by the provider \(HTTP 401\): Incorrect API key/,
    );
    expect(health(ids.broken).status_reason).not.toContain(BAD_KEY.slice(8, 24));
    expect(health(ids.paid).status).toBe('invalid');

    expect(probeEvents(ids.works)).toEqual([
      {
        actor_did: null,
        via: 'system',
        outcome: 'success',
        reason: null,
        details: {
          providerId: localProviderId,
          providerName: 'local',
          providerKind: 'ollama',
          name: 'works',
          ok: true,
          latencyMs: expect.any(Number) as number,
          timeoutMs: 15_000,
          status: 200,
          failure: null,
          modelCount: 3,
          credentialStatus: { from: 'invalid', to: 'healthy' },
        },
      },
    ]);
    expect(probeEvents(ids.broken)).toMatchObject([
      {
        outcome: 'error',
        reason: expect.stringMatching(/^Incorrect API key provided/) as string,
        details: {
          ok: false,
          status: 401,
          failure: 'rejected',
          credentialStatus: { from: 'cooling', to: 'invalid' },
        },
      },
    ]);

    const after = await scrape(t.hub.url, METRICS_TOKEN);
    const delta = (result: string) =>
      sample(after, 'aigne_hub_credential_probes_total', { provider: 'local', result }) -
      sample(before, 'aigne_hub_credential_probes_total', { provider: 'local', result });
    expect([delta('ok'), delta('rejected')]).toEqual([1, 1]);
  });

  it('shows the last check in the credentials router', async () => {
    const works = await owner.credentials.byId.query({ id: ids.works });
    const event = probeEvents(ids.works)[0]!;
    expect(works.lastCheck).toEqual({
      source: 'probe',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      ok: true,
      latencyMs: event.details.latencyMs,
      httpStatus: 200,
      failure: null,
      error: null,
    });
    const listed = await owner.credentials.list.query({ providerId: localProviderId });
    expect(listed.find((c) => c.id === ids.broken)?.lastCheck).toMatchObject({
      source: 'probe',
      ok: false,
      httpStatus: 401,
      failure: 'rejected',
      error: expect.stringMatching(/^Incorrect API key provided/) as string,
    });
    expect(listed.find((c) => c.id === ids.spare)?.lastCheck).toBeNull();
    expect((await owner.credentials.byId.query({ id: ids.paid })).lastCheck).toBeNull();
  });

  it('checks a credential at most once per interval (15 minutes by default)', async () => {
    expect(await probe.tick()).toEqual([]);
    advance(14 * MINUTE);
    expect(await probe.tick()).toEqual([]);
    expect(modelCalls()).toBe(0);
    advance(MINUTE);
    expect(await probe.tick()).toEqual([
      { credentialId: ids.broken, provider: 'local', result: 'rejected', from: 'invalid', to: 'invalid' },
    ]);
    expect(modelCalls()).toBe(1);
    expect(probeEvents(ids.broken)).toHaveLength(2);
  });

  it('counts an admin test as a check', async () => {
    advance(15 * MINUTE);
    await owner.credentials.test.mutate({ id: ids.broken });
    fake.reset();
    expect(await probe.tick()).toEqual([]);
    expect(modelCalls()).toBe(0);
    expect((await owner.credentials.byId.query({ id: ids.broken })).lastCheck).toMatchObject({
      source: 'test',
      failure: 'rejected',
    });
  });

  it('probes paid providers only when healthProbe.paidProviders is on', async () => {
    await owner.config.update.mutate({ healthProbe: { paidProviders: true } });
    try {
      expect(await probe.tick()).toEqual([
        { credentialId: ids.paid, provider: 'paid', result: 'ok', from: 'invalid', to: 'healthy' },
      ]);
    } finally {
      await owner.config.update.mutate({ healthProbe: { paidProviders: false } });
    }
  });

  it('leaves a cooling credential alone until its cooldown is over', async () => {
    // works was last checked over 30 minutes ago, but it is cooling for 10 more minutes; broken was tested
    // moments ago.
    setHealth(ids.works, 'cooling', hubNow() + 10 * MINUTE);
    expect(await probe.tick()).toEqual([]);
    advance(10 * MINUTE - 1000);
    expect(await probe.tick()).toEqual([]);
    advance(1000);
    expect(await probe.tick()).toMatchObject([{ credentialId: ids.works, result: 'ok', to: 'healthy' }]);
  });

  it('probes at most maxPerTick per tick, the longest unchecked first', async () => {
    advance(60 * MINUTE);
    for (const id of [ids.works, ids.spare, ids.broken]) setHealth(id, 'invalid');
    const limited = new CredentialProbe(t.hub.services, { maxPerTick: 2 });
    // spare was never checked; broken's last check (the admin test) is older than works' last probe.
    expect((await limited.tick()).map((r) => r.credentialId)).toEqual([ids.spare, ids.broken]);
    expect((await limited.tick()).map((r) => r.credentialId)).toEqual([ids.works]);
    expect(await limited.tick()).toEqual([]);
  });

  it('never probes a disabled credential, one of a disabled provider, or anything when switched off', async () => {
    advance(60 * MINUTE);
    setHealth(ids.works, 'invalid');
    setHealth(ids.spare, 'invalid');
    await owner.credentials.setEnabled.mutate({ id: ids.works, enabled: false });
    await owner.config.update.mutate({ healthProbe: { enabled: false } });
    expect(await probe.tick()).toEqual([]);
    await owner.config.update.mutate({ healthProbe: { enabled: true } });
    await owner.providers.setEnabled.mutate({ id: localProviderId, enabled: false });
    expect(await probe.tick()).toEqual([]);
    await owner.providers.setEnabled.mutate({ id: localProviderId, enabled: true });
    expect((await probe.tick()).map((r) => r.credentialId).sort()).toEqual([ids.broken, ids.spare].sort());
    expect(modelCalls()).toBe(2);
    await owner.credentials.setEnabled.mutate({ id: ids.works, enabled: true });
  });

  it('records a credential it cannot decrypt as unusable, without calling anyone', async () => {
    advance(60 * MINUTE);
    setHealth(ids.works, 'invalid');
    setHealth(ids.broken, 'healthy');
    setHealth(ids.spare, 'healthy');
    // The works credential's ciphertext moved onto spare's row: bound to another row, it does not decrypt.
    const stolen = db().prepare('SELECT value FROM credentials WHERE id = ?').get(ids.works) as {
      value: string;
    };
    db()
      .prepare("UPDATE credentials SET value = ?, status = 'invalid' WHERE id = ?")
      .run(stolen.value, ids.spare);
    const reports = await probe.tick();
    expect(byCredential(reports)).toEqual(
      byCredential([
        { credentialId: ids.works, provider: 'local', result: 'ok', from: 'invalid', to: 'healthy' },
        { credentialId: ids.spare, provider: 'local', result: 'unusable', from: 'invalid', to: 'invalid' },
      ]),
    );
    expect(modelCalls()).toBe(1);
    expect(probeEvents(ids.spare).at(-1)).toMatchObject({
      outcome: 'error',
      details: { ok: false, failure: 'unusable', latencyMs: null, status: null },
    });
    expect(await probe.tick()).toEqual([]);
  });
});

describe('scheduling', () => {
  it('ticks on its schedule, and stop() cancels it and waits for a tick in progress', async () => {
    let scheduled: { tick: () => void; ms: number } | null = null;
    let cancelled = 0;
    const scheduledProbe = new CredentialProbe(t.hub.services, {
      tickMs: 30_000,
      schedule: (tick, ms) => {
        scheduled = { tick, ms };
        return () => {
          cancelled += 1;
        };
      },
    });
    scheduledProbe.start();
    scheduledProbe.start();
    expect(scheduled).toMatchObject({ ms: 30_000 });
    advance(60 * MINUTE);
    for (const id of [ids.broken, ids.spare, ids.paid]) setHealth(id, 'healthy');
    setHealth(ids.works, 'invalid');
    fake.reset();
    fake.fault = { type: 'delay', ms: 200 };
    try {
      scheduled!.tick();
      const stopping = scheduledProbe.stop();
      expect(cancelled).toBe(1);
      await stopping;
      // stop() returned only after the probe in flight had recorded its result.
      expect(health(ids.works).status).toBe('healthy');
    } finally {
      fake.fault = null;
    }
    expect(await scheduledProbe.tick()).toEqual([]);
  });
});
