/**
 * `GET /metrics` over real HTTP, parsed with an independent Prometheus text parser: the counters move by
 * exactly what real gateway calls (against a fake OpenAI on 127.0.0.1) did, the scrape-time gauges agree
 * with the database, and only the scrape token or an owner/admin with the `api` scope may read it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';
import { histogram, sample, scrape, type Scrape } from './observability-kit';

const GOOD_KEY = 'sk-proj-metricsGoodKeyAAAAAAAAAAAAAAAAAAAAAAAAAA';
const REVOKED_KEY = 'sk-proj-metricsRevokedKeyBBBBBBBBBBBBBBBBBBBBBBB';
const METRICS_TOKEN = 'scrape-token-0123456789abcdefghijklmnop';
const INPUT_RATE = 0.001;
const OUTPUT_RATE = 0.002;

let t: TestHub;
let fake: FakeOpenAI;
let owner: HubClient;
let ownerDid: string;
let guestKey: string;
let guestDid: string;
let guestApiKey: string;
let ownerApiKey: string;
let ownerAiOnlyKey: string;

function rows<T>(sql: string, ...params: unknown[]): T[] {
  return t.hub.services.hubDb.$client.prepare(sql).all(...params) as T[];
}

async function ai(path: string, body: unknown, key = guestKey) {
  const response = await fetch(`${t.hub.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const chat = (model: string, stream = false) =>
  ai('/chat/completions', { model, stream, messages: [{ role: 'user', content: 'hello' }] });

beforeAll(async () => {
  t = await startTestHub({ HUB_METRICS_TOKEN: METRICS_TOKEN });
  fake = await FakeOpenAI.start({ keys: [GOOD_KEY] });
  const ownerSignIn = await signIn(t.hub.url, newWallet(), t.hub.setupCode!);
  owner = ownerSignIn.session.trpc;
  ownerDid = ownerSignIn.user.did;
  const guest = await signIn(t.hub.url, newWallet());
  guestDid = guest.user.did;
  guestKey = (await guest.session.trpc.apiKeys.create.mutate({ name: 'ai', scopes: ['ai'] })).secret;
  guestApiKey = (await guest.session.trpc.apiKeys.create.mutate({ name: 'api', scopes: ['api'] })).secret;
  ownerApiKey = (await owner.apiKeys.create.mutate({ name: 'prometheus', scopes: ['api'] })).secret;
  ownerAiOnlyKey = (await owner.apiKeys.create.mutate({ name: 'ai only', scopes: ['ai'] })).secret;

  const openai = await owner.providers.create.mutate({
    kind: 'openai',
    name: 'openai',
    baseUrl: fake.baseUrl,
  });
  await owner.credentials.create.mutate({
    providerId: openai.id,
    name: 'good',
    value: { api_key: GOOD_KEY },
  });
  // A second provider whose only key the upstream refuses: every call to it is an upstream auth error.
  const revoked = await owner.providers.create.mutate({
    kind: 'openai-compatible',
    name: 'revoked',
    baseUrl: fake.baseUrl,
  });
  await owner.credentials.create.mutate({
    providerId: revoked.id,
    name: 'revoked',
    value: { api_key: REVOKED_KEY },
  });
  for (const provider of ['openai', 'revoked']) {
    await owner.modelRates.upsert.mutate({
      provider,
      model: 'gpt-4o-mini',
      type: 'chat',
      inputRate: INPUT_RATE,
      outputRate: OUTPUT_RATE,
    });
  }
  await owner.modelRates.upsert.mutate({
    provider: 'openai',
    model: 'text-embedding-3-small',
    type: 'embedding',
    inputRate: INPUT_RATE,
    outputRate: 0,
  });
  await owner.users.grantCredits.mutate({ did: guestDid, amount: 100, reason: 'metrics test' });
  await owner.config.update.mutate({ billing: { enabled: true } });
});

afterAll(async () => {
  await fake.close();
  await t.close();
});

beforeEach(() => {
  fake.reset();
  fake.chat = {};
});

describe('GET /metrics: what it counts', () => {
  let before: Scrape;
  let after: Scrape;
  const openaiChat = { endpoint: 'chat', provider: 'openai' };

  beforeAll(async () => {
    before = await scrape(t.hub.url, METRICS_TOKEN);
    // Three chat calls (two JSON, one streamed), one embedding, one call to the refused key, one refusal.
    expect((await chat('openai/gpt-4o-mini')).status).toBe(200);
    expect((await chat('openai/gpt-4o-mini')).status).toBe(200);
    const streamed = await chat('openai/gpt-4o-mini', true);
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('data: [DONE]');
    expect(
      (await ai('/embeddings', { model: 'openai/text-embedding-3-small', input: ['one', 'two'] })).status,
    ).toBe(200);
    expect((await chat('revoked/gpt-4o-mini')).status).toBe(502);
    expect((await chat('openai/no-such-model')).status).toBeGreaterThanOrEqual(400);
    after = await scrape(t.hub.url, METRICS_TOKEN);
  });

  const delta = (name: string, labels: Record<string, string> = {}) =>
    sample(after, name, labels) - sample(before, name, labels);

  it('is Prometheus text with the hub metrics and the process metrics', () => {
    expect(after.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(after.families.get('aigne_hub_gateway_requests_total')?.type).toBe('COUNTER');
    expect(after.families.get('aigne_hub_gateway_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(after.families.get('aigne_hub_credentials')?.type).toBe('GAUGE');
    expect(after.families.get('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(after.families.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
  });

  it('counts AI calls by endpoint, provider and outcome', () => {
    expect(delta('aigne_hub_gateway_requests_total', { ...openaiChat, status: 'success' })).toBe(3);
    expect(
      delta('aigne_hub_gateway_requests_total', {
        endpoint: 'embedding',
        provider: 'openai',
        status: 'success',
      }),
    ).toBe(1);
    expect(
      delta('aigne_hub_gateway_requests_total', { endpoint: 'chat', provider: 'revoked', status: 'error' }),
    ).toBe(1);
  });

  it('times them in the latency histogram, per endpoint and provider', () => {
    const chatSeries = histogram(after, 'aigne_hub_gateway_request_duration_seconds', openaiChat);
    const chatBefore = histogram(before, 'aigne_hub_gateway_request_duration_seconds', openaiChat);
    expect(chatSeries.count - chatBefore.count).toBe(3);
    expect(chatSeries.buckets['+Inf']).toBe(chatSeries.count);
    // The sum is the latencies the usage records hold (ms there, seconds here).
    const [{ total }] = rows<{ total: number }>(
      "SELECT SUM(latency_ms) AS total FROM usage_records WHERE provider = 'openai' AND endpoint = 'chat'",
    ) as [{ total: number }];
    expect(chatSeries.sum).toBeCloseTo(total / 1000, 6);
  });

  it('counts upstream errors by kind: the refused key is an auth error', () => {
    expect(delta('aigne_hub_upstream_errors_total', { provider: 'revoked', kind: 'auth' })).toBe(1);
    expect(delta('aigne_hub_upstream_errors_total', { provider: 'openai' })).toBe(0);
  });

  it('counts a refusal before any upstream call by its error code', async () => {
    const refused = await chat('openai/no-such-model');
    const code = (JSON.parse(refused.text) as { error: { code: string } }).error.code;
    const again = await scrape(t.hub.url, METRICS_TOKEN);
    expect(
      sample(again, 'aigne_hub_gateway_refusals_total', { endpoint: 'chat', code }) -
        sample(after, 'aigne_hub_gateway_refusals_total', { endpoint: 'chat', code }),
    ).toBe(1);
  });

  it('counts the credits charged, exactly what the ledger says', () => {
    const [{ charged }] = rows<{ charged: number }>(
      "SELECT -SUM(amount) AS charged FROM credit_transactions WHERE kind = 'charge' AND user_did = ?",
      guestDid,
    ) as [{ charged: number }];
    // 3 chats x (11 input + 7 output tokens) + an embedding of 6 input tokens, at the rates above.
    expect(charged / 1_000_000).toBeCloseTo(3 * (11 * INPUT_RATE + 7 * OUTPUT_RATE) + 6 * INPUT_RATE, 9);
    expect(delta('aigne_hub_credits_charged_total', { provider: 'openai' })).toBeCloseTo(
      charged / 1_000_000,
      9,
    );
    expect(delta('aigne_hub_tokens_total', { provider: 'openai', type: 'input' })).toBe(3 * 11 + 6);
    expect(delta('aigne_hub_tokens_total', { provider: 'openai', type: 'output' })).toBe(3 * 7);
  });

  it('counts HTTP requests by route pattern and status', () => {
    const route = { method: 'POST', route: '/api/v1/chat/completions' };
    // The two JSON calls and the stream answered 200; the refused key's call answered 502.
    expect(delta('aigne_hub_http_requests_total', { ...route, status: '200' })).toBe(3);
    expect(delta('aigne_hub_http_requests_total', { ...route, status: '502' })).toBe(1);
    expect(
      delta('aigne_hub_http_requests_total', { method: 'POST', route: '/api/v1/embeddings', status: '200' }),
    ).toBe(1);
  });

  it('reports credential health by provider and state, zeros included', () => {
    expect(sample(after, 'aigne_hub_credentials', { provider: 'openai', state: 'healthy' })).toBe(1);
    expect(sample(after, 'aigne_hub_credentials', { provider: 'revoked', state: 'invalid' })).toBe(1);
    for (const state of ['cooling', 'disabled', 'invalid']) {
      expect(sample(after, 'aigne_hub_credentials', { provider: 'openai', state })).toBe(0);
    }
  });

  it('reports the audit chain length as the database holds it at the scrape', async () => {
    const now = await scrape(t.hub.url, METRICS_TOKEN);
    const [{ n }] = rows<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events') as [{ n: number }];
    expect(sample(now, 'aigne_hub_audit_chain_length')).toBe(n);
    expect(n).toBeGreaterThan(10);
  });

  it('follows a credential switched off (read at scrape time, not cached)', async () => {
    const [credential] = await owner.credentials.list.query();
    await owner.credentials.setEnabled.mutate({ id: credential!.id, enabled: false });
    const now = await scrape(t.hub.url, METRICS_TOKEN);
    const provider = credential!.providerName;
    expect(sample(now, 'aigne_hub_credentials', { provider, state: 'disabled' })).toBe(1);
    await owner.credentials.setEnabled.mutate({ id: credential!.id, enabled: true });
  });
});

describe('GET /metrics: who may read it', () => {
  async function get(authorization?: string) {
    const response = await fetch(`${t.hub.url}/metrics`, {
      headers: authorization ? { authorization } : {},
    });
    return {
      status: response.status,
      body: await response.text(),
      requestId: response.headers.get('x-request-id')!,
      wwwAuthenticate: response.headers.get('www-authenticate'),
    };
  }

  function deniedEvent(requestId: string) {
    return rows<Record<string, unknown>>(
      'SELECT action, outcome, actor_did, reason FROM audit_events WHERE request_id = ?',
      requestId,
    );
  }

  it('the scrape token', async () => {
    const answer = await get(`Bearer ${METRICS_TOKEN}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('aigne_hub_gateway_requests_total');
  });

  it('an owner API key with the api scope, and an owner session token', async () => {
    expect((await get(`Bearer ${ownerApiKey}`)).status).toBe(200);
    const session = await signIn(t.hub.url, newWallet());
    await owner.users.setRole.mutate({ did: session.user.did, role: 'admin' });
    expect((await get(`Bearer ${session.token}`)).status).toBe(200);
  });

  it('401 without credentials, audited as denied', async () => {
    const answer = await get();
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toBe('Bearer realm="aigne-hub metrics"');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'unauthorized' });
    expect(deniedEvent(answer.requestId)).toEqual([
      { action: 'metrics.scrape', outcome: 'denied', actor_did: null, reason: 'no credentials' },
    ]);
  });

  it('401 for a token one character off, and for a made-up API key', async () => {
    const offByOne = `${METRICS_TOKEN.slice(0, -1)}q`;
    const answer = await get(`Bearer ${offByOne}`);
    expect(answer.status).toBe(401);
    expect(answer.body).not.toContain(offByOne);
    expect(deniedEvent(answer.requestId)).toMatchObject([{ action: 'metrics.scrape', outcome: 'denied' }]);
    expect((await get('Bearer ahk_000A7dl5PEW67zZCpFU9uKaHnGgOvQKAR2eahrm')).status).toBe(401);
  });

  it('403 for a guest API key with the api scope', async () => {
    const answer = await get(`Bearer ${guestApiKey}`);
    expect(answer.status).toBe(403);
    expect(deniedEvent(answer.requestId)).toEqual([
      {
        action: 'metrics.scrape',
        outcome: 'denied',
        actor_did: guestDid,
        reason: 'role guest below admin',
      },
    ]);
  });

  it('403 for an owner API key without the api scope', async () => {
    const answer = await get(`Bearer ${ownerAiOnlyKey}`);
    expect(answer.status).toBe(403);
    expect(deniedEvent(answer.requestId)).toEqual([
      {
        action: 'metrics.scrape',
        outcome: 'denied',
        actor_did: ownerDid,
        reason: 'api key without api scope',
      },
    ]);
  });

  it('without HUB_METRICS_TOKEN only admins may scrape: no token matches', async () => {
    const other = await startTestHub();
    try {
      const answer = await fetch(`${other.hub.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(answer.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
