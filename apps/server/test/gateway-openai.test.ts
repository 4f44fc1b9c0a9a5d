/**
 * The OpenAI-compatible gateway, driven by the real `openai` SDK against a running hub, with a fake OpenAI
 * upstream on 127.0.0.1: completions (JSON and streamed), embeddings, images, models, errors, failover between
 * credentials, credits, per-key limits, disconnects, and the usage + audit records each call leaves.
 */
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';

const KEY_1 = 'sk-proj-primaryKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_2 = 'sk-proj-secondaryKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let t: TestHub;
let owner: HubClient;
let fake: FakeOpenAI;
let other: FakeOpenAI;
let guestDid: string;
let guestSession: HubClient;
let credentialIds: { first: string; second: string };
let providerId: string;

async function keyFor(options: Parameters<HubClient['apiKeys']['create']['mutate']>[0] = { name: 'sdk' }) {
  const { secret } = await guestSession.apiKeys.create.mutate({ scopes: ['ai'], ...options });
  return secret;
}

function sdk(apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${t.hub.url}/api/v1`, apiKey, maxRetries: 0 });
}

/** The error a call must fail with (the test fails if it succeeds). */
async function failed(call: Promise<unknown>): Promise<APIError> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as APIError,
  );
}

function rows<T>(sql: string, ...params: unknown[]): T[] {
  return t.hub.services.hubDb.$client.prepare(sql).all(...params) as T[];
}

beforeAll(async () => {
  t = await startTestHub();
  fake = await FakeOpenAI.start({ keys: [KEY_1, KEY_2] });
  other = await FakeOpenAI.start({ keys: ['sk-other-provider-key-CCCCCCCCCCCCCCCCCCCCCCCC'] });
  owner = (await signIn(t.hub.url, newWallet(), t.hub.setupCode!)).session.trpc;
  const guest = await signIn(t.hub.url, newWallet());
  guestDid = guest.user.did;
  guestSession = guest.session.trpc;
  providerId = (
    await owner.providers.create.mutate({ kind: 'openai', name: 'openai', baseUrl: fake.baseUrl })
  ).id;
  credentialIds = {
    first: (await owner.credentials.create.mutate({ providerId, name: 'first', value: { api_key: KEY_1 } }))
      .id,
    second: (
      await owner.credentials.create.mutate({
        providerId,
        name: 'second',
        value: { api_key: KEY_2 },
        weight: 1,
      })
    ).id,
  };
  const otherId = (
    await owner.providers.create.mutate({ kind: 'openai-compatible', name: 'backup', baseUrl: other.baseUrl })
  ).id;
  await owner.credentials.create.mutate({
    providerId: otherId,
    name: 'main',
    value: { api_key: 'sk-other-provider-key-CCCCCCCCCCCCCCCCCCCCCCCC' },
  });
  for (const provider of ['openai', 'backup']) {
    await owner.modelRates.upsert.mutate({
      provider,
      model: 'gpt-4o-mini',
      type: 'chat',
      inputRate: 0.001,
      outputRate: 0.002,
    });
  }
  await owner.modelRates.upsert.mutate({
    provider: 'openai',
    model: 'text-embedding-3-small',
    type: 'embedding',
    inputRate: 0.0001,
    outputRate: 0,
  });
  await owner.modelRates.upsert.mutate({
    provider: 'openai',
    model: 'gpt-image-1',
    type: 'image',
    inputRate: 0,
    outputRate: 0.5,
  });
});

afterAll(async () => {
  await fake.close();
  await other.close();
  await t.close();
});

beforeEach(async () => {
  // A quiet spell, so that no credential carries a streak of failures from an earlier test.
  t.time.offsetMs += 5 * 60_000;
  fake.reset();
  fake.chat = {};
  fake.keyFaults.clear();
  other.reset();
  // Both credentials healthy again, and the first one preferred, for each test.
  for (const id of [credentialIds.first, credentialIds.second]) {
    t.hub.services.hubDb.$client
      .prepare("UPDATE credentials SET status = 'healthy', cooldown_until = NULL, weight = ? WHERE id = ?")
      .run(id === credentialIds.first ? 1000 : 1, id);
  }
  await owner.config.update.mutate({ billing: { enabled: false } });
});

describe('chat completions through the openai SDK', () => {
  it('answers JSON, rewrites the model as provider/model, and meters the call', async () => {
    const key = await keyFor();
    const completion = await sdk(key).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(completion.choices[0]!.message.content).toBe('Echo: hello there');
    expect(completion.model).toBe('openai/gpt-4o-mini');
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    // The upstream saw the upstream model id and the hub's credential, never the hub key.
    const upstream = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(JSON.parse(upstream.body.toString())).toMatchObject({ model: 'gpt-4o-mini' });
    expect(upstream.headers.authorization).toBe(`Bearer ${KEY_1}`);
    const [record] = rows<Record<string, unknown>>(
      "SELECT * FROM usage_records WHERE request_id = (SELECT request_id FROM audit_events WHERE action = 'ai.chat' ORDER BY seq DESC LIMIT 1)",
    );
    expect(record).toMatchObject({
      user_did: guestDid,
      provider: 'openai',
      model: 'gpt-4o-mini',
      credential_id: credentialIds.first,
      endpoint: 'chat',
      input_tokens: 11,
      output_tokens: 7,
      status: 'success',
    });
  });

  it('streams text in several chunks with usage at the end', async () => {
    const key = await keyFor();
    fake.chat = { text: 'one two three four five six', chunks: 5 };
    const stream = await sdk(key).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) pieces.push(piece);
      if (chunk.usage) usage = chunk.usage;
      expect(chunk.model).toBe('openai/gpt-4o-mini');
    }
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    expect(pieces.join('')).toBe('one two three four five six');
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
    // The hub asked the upstream for usage even though... it always does; the client got it because it asked.
    expect(JSON.parse(fake.requests.at(-1)!.body.toString())).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('meters a stream even when the client did not ask for usage, and does not send it usage', async () => {
    const key = await keyFor();
    const before = rows<{ n: number }>("SELECT count(*) AS n FROM usage_records WHERE status = 'success'")[0]!
      .n;
    const stream = await sdk(key).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();
    const after = rows<{ n: number }>("SELECT count(*) AS n FROM usage_records WHERE status = 'success'")[0]!
      .n;
    expect(after).toBe(before + 1);
  });

  it('passes tool calls through', async () => {
    const key = await keyFor();
    fake.chat = { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] };
    const completion = await sdk(key).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(JSON.parse(fake.requests.at(-1)!.body.toString()).tools).toHaveLength(1);
  });
});

describe('other endpoints', () => {
  it('embeddings', async () => {
    const result = await sdk(await keyFor()).embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['a', 'bb'],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[1]!.embedding).toHaveLength(8);
    expect(result.model).toBe('openai/text-embedding-3-small');
  });

  it('images', async () => {
    const result = await sdk(await keyFor()).images.generate({
      model: 'openai/gpt-image-1',
      prompt: 'a cat',
      n: 2,
    });
    expect(result.data).toHaveLength(2);
    expect(result.data![0]!.b64_json).toBe('iVBORw0KGgo=');
  });

  it('lists the rated models as provider/model', async () => {
    const models = await sdk(await keyFor()).models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['openai/gpt-4o-mini', 'backup/gpt-4o-mini', 'openai/gpt-image-1']),
    );
    const one = await sdk(await keyFor()).models.retrieve('openai/gpt-4o-mini');
    expect(one).toMatchObject({ id: 'openai/gpt-4o-mini', owned_by: 'openai' });
  });
});

describe('errors in OpenAI shape', () => {
  it('401 without a key, with a useful message', async () => {
    const error = await sdk('ahk_nope')
      .chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).status).toBe(401);
  });

  it('404 for an unknown provider or model, listing what is available', async () => {
    const key = await keyFor();
    const error = await failed(
      sdk(key).chat.completions.create({ model: 'nosuch-model', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(error.status).toBe(404);
    expect(error.message).toContain('openai');
    expect(error.message).toContain('gpt-4o-mini');
    expect((error.error as { code: string }).code).toBe('model_not_found');
  });

  it('400 for a malformed body, naming the field', async () => {
    const response = await fetch(`${t.hub.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await keyFor()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'messages' },
    });
    const broken = await fetch(`${t.hub.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await keyFor()}`, 'content-type': 'application/json' },
      body: '{"model": ',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('a key without the ai scope is refused', async () => {
    const { secret } = await guestSession.apiKeys.create.mutate({ name: 'api only', scopes: ['api'] });
    const error = await failed(sdk(secret).models.list());
    expect(error.status).toBe(403);
  });

  it('an upstream 401 that echoes the key reaches no one', async () => {
    fake.keyFaults.set(KEY_1, { type: 'status', status: 401 });
    fake.keyFaults.set(KEY_2, { type: 'status', status: 401 });
    const error = await failed(
      sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(error.status).toBe(502);
    const everything =
      JSON.stringify(error) +
      JSON.stringify(rows('SELECT * FROM audit_events')) +
      JSON.stringify(rows('SELECT * FROM credentials'));
    for (const key of [KEY_1, KEY_2]) expect(everything).not.toContain(key.slice(8, 30));
    // Both credentials are now marked invalid, and that was audited.
    expect(
      rows<{ status: string }>('SELECT status FROM credentials WHERE provider_id = ?', providerId).map(
        (r) => r.status,
      ),
    ).toEqual(['invalid', 'invalid']);
    expect(
      rows("SELECT * FROM audit_events WHERE action = 'credentials.invalidate'").length,
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('failover between credentials', () => {
  for (const [label, fault] of [
    ['500', { type: 'status', status: 500 }],
    ['429', { type: 'status', status: 429 }],
  ] as const) {
    it(`credential 1 answers ${label}: the call succeeds on credential 2, and usage names credential 2`, async () => {
      fake.keyFaults.set(KEY_1, fault);
      const completion = await sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'failover' }],
      });
      expect(completion.choices[0]!.message.content).toBe('Echo: failover');
      const [record] = rows<{ credential_id: string }>(
        'SELECT credential_id FROM usage_records ORDER BY ts DESC LIMIT 1',
      );
      expect(record!.credential_id).toBe(credentialIds.second);
      const [first] = rows<{ status: string; cooldown_until: number | null }>(
        'SELECT status, cooldown_until FROM credentials WHERE id = ?',
        credentialIds.first,
      );
      if (label === '429') {
        // The provider said to wait: credential 1 cools down at once.
        expect(first).toMatchObject({ status: 'cooling' });
        expect(first!.cooldown_until).toBeGreaterThan(Date.now());
      } else {
        // One 5xx is a blip, not a broken credential: it stays in rotation.
        expect(first).toEqual({ status: 'healthy', cooldown_until: null });
      }
    });
  }

  it('three 5xx in a row open the circuit: the credential cools down and is passed over', async () => {
    fake.keyFaults.set(KEY_1, { type: 'status', status: 500 });
    for (let i = 0; i < 3; i++) {
      await sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: `streak ${i}` }],
      });
    }
    const [first] = rows<{ status: string; cooldown_until: number }>(
      'SELECT status, cooldown_until FROM credentials WHERE id = ?',
      credentialIds.first,
    );
    expect(first).toMatchObject({ status: 'cooling' });
    const calls = fake.requests.length;
    await sdk(await keyFor()).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'after the streak' }],
    });
    // Only credential 2 was asked.
    expect(fake.requests.length).toBe(calls + 1);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY_2}`);
  });

  it('credential 1 times out: the call succeeds on credential 2', async () => {
    await owner.config.update.mutate({ gateway: { upstreamTimeoutMs: 1000 } });
    try {
      fake.keyFaults.set(KEY_1, { type: 'delay', ms: 3000 });
      const completion = await sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'slow' }],
      });
      expect(completion.choices[0]!.message.content).toBe('Echo: slow');
      const [record] = rows<{ credential_id: string }>(
        'SELECT credential_id FROM usage_records ORDER BY ts DESC LIMIT 1',
      );
      expect(record!.credential_id).toBe(credentialIds.second);
    } finally {
      await owner.config.update.mutate({ gateway: { upstreamTimeoutMs: 120_000 } });
    }
  });

  it('all credentials down: 502 with a clear message, and an error usage record', async () => {
    fake.keyFaults.set(KEY_1, { type: 'status', status: 500 });
    fake.keyFaults.set(KEY_2, { type: 'status', status: 503 });
    const error = await failed(
      sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/Every credential for openai\/gpt-4o-mini failed/);
    const [record] = rows<{ status: string }>('SELECT status FROM usage_records ORDER BY ts DESC LIMIT 1');
    expect(record!.status).toBe('error');
    // Two more failures each open both circuits...
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await failed(
            sdk(await keyFor()).chat.completions.create({
              model: 'openai/gpt-4o-mini',
              messages: [{ role: 'user', content: 'x' }],
            }),
          )
        ).status,
      ).toBe(502);
    }
    // ...and now both are cooling down: the next call fails fast without calling upstream.
    const calls = fake.requests.length;
    const again = await failed(
      sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(again.status).toBe(502);
    expect(again.message).toMatch(/cooling down/);
    expect(fake.requests.length).toBe(calls);
  });
});

describe('routing a bare model name', () => {
  it('round-robins across the providers that offer it', async () => {
    const key = await keyFor();
    for (let i = 0; i < 4; i += 1) {
      await sdk(key).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `r${i}` }],
      });
    }
    const served = (f: FakeOpenAI) => f.requests.filter((r) => r.path === '/v1/chat/completions').length;
    expect(served(fake)).toBe(2);
    expect(served(other)).toBe(2);
  });
});

describe('per-key limits', () => {
  it('allowed models', async () => {
    const key = await keyFor({ name: 'mini only', allowedModels: ['openai/gpt-4o-mini'] });
    await sdk(key).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'ok' }],
    });
    const error = await failed(
      sdk(key).embeddings.create({ model: 'openai/text-embedding-3-small', input: 'x' }),
    );
    expect(error.status).toBe(403);
  });

  it('requests per minute, with Retry-After', async () => {
    const key = await keyFor({ name: 'slow lane', rateLimitPerMinute: 2 });
    for (let i = 0; i < 2; i += 1) {
      await sdk(key).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      });
    }
    const response = await fetch(`${t.hub.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
  });
});

describe('credits', () => {
  it('a user without credits gets 402 and the upstream is not called', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    const key = await keyFor();
    const calls = fake.requests.length;
    const error = await failed(
      sdk(key).chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(error.status).toBe(402);
    expect(fake.requests.length).toBe(calls);
  });

  it('charges input x inputRate + output x outputRate, and usage costs add up to the credits charged', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    await owner.users.grantCredits.mutate({ did: guestDid, amount: 1, reason: 'test' });
    const before = (await guestSession.me.get.query()).credits;
    await sdk(await keyFor()).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
    });
    const after = (await guestSession.me.get.query()).credits;
    // 11 x 0.001 + 7 x 0.002 = 0.025
    expect(Number((before - after).toFixed(6))).toBe(0.025);
    const [sum] = rows<{ charged: number; costs: number }>(
      "SELECT (SELECT -sum(amount) FROM credit_transactions WHERE user_did = ? AND kind = 'charge') AS charged, (SELECT sum(credits) FROM usage_records WHERE user_did = ?) AS costs",
      guestDid,
      guestDid,
    );
    expect(sum!.charged).toBe(sum!.costs);
  });

  it('50 concurrent calls never overdraw: credits are held for requests in flight', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    const login = await signIn(t.hub.url, newWallet());
    await owner.users.grantCredits.mutate({ did: login.user.did, amount: 0.3, reason: 'concurrency test' });
    const { secret } = await login.session.trpc.apiKeys.create.mutate({ name: 'burst', scopes: ['ai'] });
    // Slow answers, so that all 50 are in flight together.
    fake.keyFaults.set(KEY_1, { type: 'delay', ms: 300 });
    fake.keyFaults.set(KEY_2, { type: 'delay', ms: 300 });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        sdk(secret)
          .chat.completions.create({
            model: 'openai/gpt-4o-mini',
            messages: [{ role: 'user', content: 'x' }],
            max_tokens: 10,
          })
          .then(
            () => 200,
            (error: unknown) => (error as APIError).status,
          ),
      ),
    );
    const ok = outcomes.filter((status) => status === 200).length;
    expect(outcomes.filter((status) => status === 402).length).toBeGreaterThan(0);
    expect(ok).toBeGreaterThan(0);
    expect(outcomes.every((status) => status === 200 || status === 402)).toBe(true);
    const balance = (await login.session.trpc.me.get.query()).credits;
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(Number((0.3 - balance).toFixed(6))).toBe(Number((ok * 0.025).toFixed(6)));
  });

  it('a model without a rate is refused when billing is on, with the rated models listed', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    const error = await failed(
      sdk(await keyFor()).chat.completions.create({
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain('openai/gpt-4o-mini');
  });
});

describe('disconnects', () => {
  it('a client leaving mid-stream aborts the upstream request, and the usage record is still written', async () => {
    fake.chat = { text: 'x'.repeat(40), chunks: 20, chunkDelayMs: 50 };
    const key = await keyFor();
    const controller = new AbortController();
    const stream = await sdk(key).chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'long' }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) seen += 1;
        if (seen === 2) controller.abort();
      }
    } catch {
      // aborted by us
    }
    await expect.poll(() => fake.abortedStreams, { timeout: 5000 }).toBe(1);
    await expect
      .poll(
        () =>
          rows<{ status: string }>('SELECT status FROM usage_records ORDER BY ts DESC LIMIT 1')[0]?.status,
        { timeout: 5000 },
      )
      .toBe('aborted');
  });

  it('a stream the upstream cuts midway ends with an error event, and is metered as an error', async () => {
    fake.chat = { text: 'abcdefghij', chunks: 5, cutAfterChunks: 2 };
    const stream = await sdk(await keyFor()).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'cut' }],
      stream: true,
    });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    await expect
      .poll(
        () =>
          rows<{ status: string }>('SELECT status FROM usage_records ORDER BY ts DESC LIMIT 1')[0]?.status,
      )
      .toBe('error');
  });
});

describe('audit', () => {
  it('every AI call left an ai.* event and the chain verifies', async () => {
    const events = rows<{ action: string }>("SELECT action FROM audit_events WHERE action LIKE 'ai.%'");
    expect(events.length).toBeGreaterThan(10);
    expect(await owner.auditEvents.verify.query()).toMatchObject({ ok: true });
  });

  it('the playground (a browser session) can chat, and cross-origin posts are refused', async () => {
    const login = await signIn(t.hub.url, newWallet());
    const ok = await fetch(`${t.hub.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: {
        cookie: login.cookie,
        origin: new URL(t.hub.url).origin,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'from the playground' }],
      }),
    });
    expect(ok.status).toBe(200);
    const evil = await fetch(`${t.hub.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { cookie: login.cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(evil.status).toBe(403);
  });
});
