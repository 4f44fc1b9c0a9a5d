/**
 * The gateway helpers against a real hub whose `openai` provider is a fake OpenAI on 127.0.0.1: models, chat
 * (text and tool calls), streaming (deltas, final usage, early exit, abort, a stream cut midway), embeddings,
 * images, and every gateway failure as its typed error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createHubClient,
  ForbiddenError,
  type HubClientError,
  InsufficientCreditsError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamError,
  type ChatDelta,
  type HubClient,
} from '../src/index';
import { guestWithKey, rejectionOf, startTestHub, UPSTREAM_KEY, type TestHub } from './harness';

let t: TestHub;
/** A guest's client with an `ai` key. */
let ai: HubClient;
let aiSecret: string;

const MODEL = 'openai/gpt-4o-mini';
const USAGE = { promptTokens: 11, completionTokens: 7, totalTokens: 18, cachedTokens: 0 };

beforeAll(async () => {
  t = await startTestHub();
  aiSecret = (await guestWithKey(t.url, ['ai'])).secret;
  ai = createHubClient({ url: t.url, apiKey: aiSecret });
});

afterAll(async () => {
  await t.close();
});

beforeEach(() => {
  t.fake.reset();
  t.fake.chat = {};
  t.fake.keyFaults.clear();
  // A fault in one test cools the credential down; the next test starts with it healthy.
  t.sql("UPDATE credentials SET status = 'healthy', cooldown_until = NULL WHERE id = ?", t.credentialId);
});

const lastUpstreamBody = () => {
  const request = t.fake.requests.findLast((r) => r.path === '/v1/chat/completions');
  return JSON.parse(request!.body.toString()) as Record<string, unknown>;
};

async function collect(stream: AsyncIterable<ChatDelta>): Promise<ChatDelta[]> {
  const deltas: ChatDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe('models', () => {
  it('lists the models the caller may use as provider/model', async () => {
    const models = await ai.models();
    expect(models.map((m) => m.id).sort()).toEqual([
      'openai/gpt-4o-mini',
      'openai/gpt-image-1',
      'openai/text-embedding-3-small',
    ]);
    expect(models.every((m) => m.provider === 'openai' && m.created instanceof Date)).toBe(true);
  });
});

describe('chat', () => {
  it('answers with text and usage; the upstream sees the hub’s credential, never the client’s key', async () => {
    const result = await ai.chat({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello there' }],
      temperature: 0,
      maxTokens: 50,
    });
    expect(result).toEqual({
      id: 'chatcmpl-fake',
      model: MODEL,
      content: 'Echo: hello there',
      toolCalls: [],
      finishReason: 'stop',
      usage: USAGE,
      message: { role: 'assistant', content: 'Echo: hello there' },
    });
    expect(lastUpstreamBody()).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, max_tokens: 50 });
    const upstream = t.fake.requests.findLast((r) => r.path === '/v1/chat/completions')!;
    expect(upstream.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('returns tool calls, and sends them back in the next turn', async () => {
    t.fake.chat = { toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }] };
    const first = await ai.chat({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    expect(first.content).toBeNull();
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }]);
    t.fake.chat = { text: 'Sunny.' };
    const second = await ai.chat({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        first.message,
        { role: 'tool', toolCallId: 'call_1', content: '{"sky":"clear"}' },
      ],
    });
    expect(second.content).toBe('Sunny.');
    expect(lastUpstreamBody().messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"clear"}' },
    ]);
  });
});

describe('chatStream', () => {
  it('yields the text as deltas, then the finish reason; final and usage once it has ended', async () => {
    t.fake.chat = { text: 'Hello streaming world', chunks: 4 };
    const stream = ai.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'stream please' }] });
    const deltas = await collect(stream);
    expect(deltas).toEqual([
      { content: 'Hello ' },
      { content: 'stream' },
      { content: 'ing wo' },
      { content: 'rld' },
      { finishReason: 'stop' },
    ]);
    await expect(stream.usage).resolves.toEqual(USAGE);
    await expect(stream.final).resolves.toEqual({
      id: 'chatcmpl-fake',
      model: MODEL,
      content: 'Hello streaming world',
      toolCalls: [],
      finishReason: 'stop',
      usage: USAGE,
      message: { role: 'assistant', content: 'Hello streaming world' },
    });
    expect(lastUpstreamBody()).toMatchObject({ stream: true });
  });

  it('streams tool calls as fragments and assembles them in final', async () => {
    t.fake.chat = { toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' }] };
    const stream = ai.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'use a tool' }] });
    expect(await collect(stream)).toEqual([
      { toolCalls: [{ index: 0, id: 'call_9', name: 'lookup' }] },
      { toolCalls: [{ index: 0, arguments: '{"q":"x"}' }] },
      { finishReason: 'tool_calls' },
    ]);
    expect((await stream.final).toolCalls).toEqual([
      { id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' },
    ]);
  });

  it('reads the stream to its end when only final is awaited, and only once', async () => {
    t.fake.chat = { text: 'no loop needed' };
    const stream = ai.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(t.fake.requests).toHaveLength(0); // nothing is sent before it is read
    const final = await stream.final;
    expect(final.content).toBe('no loop needed');
    expect(() => stream[Symbol.asyncIterator]()).toThrow('A chat stream can be read only once');
  });

  it('closes the connection when the loop is left early; final says so', async () => {
    t.fake.chat = { text: 'x'.repeat(40), chunks: 20, chunkDelayMs: 30 };
    const stream = ai.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'long' }] });
    for await (const delta of stream) {
      expect(delta.content).toBe('xx');
      break;
    }
    await expect(stream.final).rejects.toMatchObject({ name: 'HubClientError', code: 'stream_closed' });
    // The hub saw the client go and stopped the upstream call.
    await expect.poll(() => t.fake.abortedStreams, { timeout: 5000 }).toBe(1);
  });

  it('rejects with the abort reason when the signal aborts mid-stream', async () => {
    t.fake.chat = { text: 'y'.repeat(40), chunks: 20, chunkDelayMs: 30 };
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const stream = ai.chatStream(
      { model: MODEL, messages: [{ role: 'user', content: 'long' }] },
      { signal: controller.signal },
    );
    let seen = 0;
    const error = await rejectionOf(
      (async () => {
        for await (const _ of stream) {
          seen += 1;
          if (seen === 2) controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(seen).toBe(2);
    await expect(stream.usage).rejects.toBe(reason);
  });

  it('throws the typed error of an error event in the middle of the stream', async () => {
    t.fake.chat = { text: 'abcdefghij', chunks: 5, cutAfterChunks: 2 };
    const stream = ai.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'cut' }] });
    const deltas: ChatDelta[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const delta of stream) deltas.push(delta);
      })(),
    );
    expect(deltas).toEqual([{ content: 'ab' }, { content: 'cd' }]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_error', timedOut: false });
    expect((error as UpstreamError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(stream.final).rejects.toBe(error);
  });

  it('throws the typed error when the hub refuses the stream before it starts', async () => {
    const stream = createHubClient({
      url: t.url,
      apiKey: 'ahk_notakeynotakeynotakeynotakey000000',
    }).chatStream({
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(collect(stream)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('embeddings and images', () => {
  it('returns one vector per input, in order, with usage', async () => {
    const result = await ai.embeddings({ model: 'openai/text-embedding-3-small', input: ['a', 'bb'] });
    const vector = (length: number) => Array.from({ length: 8 }, (_, i) => (length + i) / 100);
    expect(result).toEqual({
      model: 'openai/text-embedding-3-small',
      embeddings: [vector(1), vector(2)],
      usage: { promptTokens: 6, totalTokens: 6 },
    });
  });

  it('returns the generated images', async () => {
    const result = await ai.images({ model: 'openai/gpt-image-1', prompt: 'a red square', n: 2 });
    expect(result).toEqual({
      created: new Date(1715367049 * 1000),
      images: [{ b64Json: 'iVBORw0KGgo=' }, { b64Json: 'iVBORw0KGgo=' }],
    });
  });
});

describe('gateway errors as typed errors', () => {
  it('Unauthorized: a key the hub does not know', async () => {
    const error = await rejectionOf(
      createHubClient({ url: t.url, apiKey: 'ahk_notakeynotakeynotakeynotakey000000' }).models(),
    );
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('Forbidden: a key without the ai scope', async () => {
    const apiOnly = createHubClient({ url: t.url, apiKey: (await guestWithKey(t.url, ['api'])).secret });
    const error = await rejectionOf(
      apiOnly.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      status: 403,
      code: 'missing_scope',
      message: 'This API key may not call the AI endpoints (no "ai" scope)',
    });
  });

  it('InsufficientCredits: billing on and no credits, for chat and for a stream', async () => {
    await t.owner.api.config.update.mutate({ billing: { enabled: true } });
    try {
      const error = await rejectionOf(ai.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }));
      expect(error).toBeInstanceOf(InsufficientCreditsError);
      expect(error).toMatchObject({ status: 402, code: 'insufficient_credits' });
      const stream = ai.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
      await expect(collect(stream)).rejects.toBeInstanceOf(InsufficientCreditsError);
      expect(t.fake.requests).toHaveLength(0);
    } finally {
      await t.owner.api.config.update.mutate({ billing: { enabled: false } });
    }
  });

  it('RateLimited: the key’s own per-minute limit, with retryAfter', async () => {
    const limited = createHubClient({
      url: t.url,
      apiKey: (await guestWithKey(t.url, ['ai'], { rateLimitPerMinute: 1 })).secret,
    });
    const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'x' }] };
    await limited.chat(request);
    const error = await rejectionOf(limited.chat(request));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    const { retryAfter } = error as RateLimitedError;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('RateLimited: the provider’s limit, with its Retry-After', async () => {
    t.fake.keyFaults.set(UPSTREAM_KEY, { type: 'status', status: 429 });
    const error = await rejectionOf(ai.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, code: 'upstream_rate_limited', retryAfter: 20 });
  });

  it('Upstream: the provider failed', async () => {
    t.fake.keyFaults.set(UPSTREAM_KEY, { type: 'status', status: 500 });
    const error = await rejectionOf(ai.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable', timedOut: false });
    expect((error as Error).message).toBe(
      'Every credential for openai/gpt-4o-mini failed (1 attempts); last error: 500: The server had an error while processing your request. Sorry about that!',
    );
    expect((error as Error).message).not.toContain(UPSTREAM_KEY);
  });

  it('Upstream: the provider did not answer in time', async () => {
    await t.owner.api.config.update.mutate({ gateway: { upstreamTimeoutMs: 1000 } });
    t.fake.keyFaults.set(UPSTREAM_KEY, { type: 'delay', ms: 3000 });
    try {
      const error = await rejectionOf(ai.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout', timedOut: true });
    } finally {
      await t.owner.api.config.update.mutate({ gateway: { upstreamTimeoutMs: 120_000 } });
    }
  });

  it('other refusals stay HubClientError with the hub’s status and code', async () => {
    const error = await rejectionOf(
      ai.chat({ model: 'nope/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(error).toMatchObject({ name: 'HubClientError', status: 404, code: 'model_not_found' });
    expect(error).not.toBeInstanceOf(ForbiddenError);
    const invalid = await rejectionOf(ai.chat({ model: MODEL, messages: [] }));
    expect(invalid).toMatchObject({ name: 'HubClientError', status: 400, code: 'invalid_request' });
    expect((invalid as HubClientError).message).toBe('Invalid request: messages: messages must not be empty');
  });
});
