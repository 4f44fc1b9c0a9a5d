/**
 * The AIGNE-compatible endpoints, driven by the REAL AIGNE framework client (`@aigne/aigne-hub`'s
 * AIGNEHubChatModel and AIGNEHubImageModel over `@aigne/transport`, exactly as an AIGNE app uses them) against a
 * running hub, with a fake OpenAI upstream on 127.0.0.1. The client discovers the hub through
 * `/__blocklet__.js`, invokes `/api/v2/chat` (JSON and SSE) and `/api/v2/image`, and lists `/api/ai/models`.
 * AIGNE Hub's own v2 API is driven over fetch. Each call must leave the same usage record and `ai.*` audit
 * event as an OpenAI-compatible call.
 */
import vm from 'node:vm';
import {
  AIGNE_HUB_BLOCKLET_DID,
  AIGNEHubChatModel,
  AIGNEHubImageModel,
  getAIGNEHubMountPoint,
} from '@aigne/aigne-hub';
import type { AgentResponseChunk, ChatModelInput, ChatModelOutput } from '@aigne/core';
import { logger, LogLevel } from '@aigne/core/utils/logger.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AIGNE_HUB_COMPONENT_DID } from '../src/gateway/aigne-blocklet';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';

const UPSTREAM_KEY = 'sk-proj-aigneUpstreamKeyAAAAAAAAAAAAAAAAAAAAAAAAAA';
const MODEL = 'openai/gpt-4o-mini';
/** `aignehub/` makes the package's model factory pick the hub client rather than a direct OpenAI one. */
const HUB_MODEL = `aignehub/${MODEL}`;

let t: TestHub;
let owner: HubClient;
let fake: FakeOpenAI;
let guestDid: string;
let guestSession: HubClient;
let key: string;
const savedEnv = { url: process.env.AIGNE_HUB_API_URL, key: process.env.AIGNE_HUB_API_KEY };

function chatModel(apiKey = key, model = HUB_MODEL): AIGNEHubChatModel {
  return new AIGNEHubChatModel({ baseURL: t.hub.url, apiKey, model });
}

function rows<T>(sql: string, ...params: unknown[]): T[] {
  return t.hub.services.hubDb.$client.prepare(sql).all(...params) as T[];
}

interface AuditRow {
  action: string;
  outcome: string;
  target_id: string | null;
  reason: string | null;
  request_id: string | null;
  details: string | null;
}

/** The newest audit event of `action`, its details parsed. */
function lastEvent(action: string) {
  const row = rows<AuditRow>(
    'SELECT * FROM audit_events WHERE action = ? ORDER BY seq DESC LIMIT 1',
    action,
  )[0];
  if (!row) throw new Error(`no ${action} event`);
  return { ...row, details: JSON.parse(row.details ?? '{}') as Record<string, unknown> };
}

/** The usage record written by the request that left the newest `action` event. */
function lastUsage(action = 'ai.chat') {
  const { request_id: requestId } = lastEvent(action);
  return rows<Record<string, unknown>>('SELECT * FROM usage_records WHERE request_id = ?', requestId)[0];
}

function upstreamBody(path = '/v1/chat/completions'): Record<string, unknown> {
  const request = [...fake.requests].reverse().find((r) => r.path === path);
  if (!request) throw new Error(`the upstream saw no ${path}`);
  return JSON.parse(request.body.toString()) as Record<string, unknown>;
}

/** Reads an AIGNE agent response stream to its end: the text pieces as they came, and the merged output. */
async function drain(stream: AsyncIterable<AgentResponseChunk<ChatModelOutput>>) {
  const pieces: string[] = [];
  const output: Record<string, unknown> = {};
  for await (const chunk of stream) {
    if (!('delta' in chunk)) continue;
    const piece = chunk.delta.text?.text;
    if (piece) {
      pieces.push(piece);
      output.text = `${(output.text as string | undefined) ?? ''}${piece}`;
    }
    if (chunk.delta.json) Object.assign(output, chunk.delta.json);
  }
  return { pieces, output: output as ChatModelOutput };
}

const weatherTool: NonNullable<ChatModelInput['tools']>[number] = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

beforeAll(async () => {
  // The framework logs every failed invocation on stderr; the failures here are on purpose.
  logger.level = LogLevel.SILENT;
  t = await startTestHub();
  fake = await FakeOpenAI.start({ keys: [UPSTREAM_KEY] });
  owner = (await signIn(t.hub.url, newWallet(), t.hub.setupCode!)).session.trpc;
  const guest = await signIn(t.hub.url, newWallet());
  guestDid = guest.user.did;
  guestSession = guest.session.trpc;
  const { id: providerId } = await owner.providers.create.mutate({
    kind: 'openai',
    name: 'openai',
    displayName: 'OpenAI',
    baseUrl: fake.baseUrl,
  });
  await owner.credentials.create.mutate({ providerId, name: 'main', value: { api_key: UPSTREAM_KEY } });
  await owner.modelRates.upsert.mutate({
    provider: 'openai',
    model: 'gpt-4o-mini',
    type: 'chat',
    inputRate: 0.001,
    outputRate: 0.002,
  });
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
  key = (await guestSession.apiKeys.create.mutate({ name: 'aigne', scopes: ['ai'] })).secret;
  // What an AIGNE app sets to use a hub; the static `models()` reads it.
  process.env.AIGNE_HUB_API_URL = t.hub.url;
});

afterAll(async () => {
  for (const [name, value] of [
    ['AIGNE_HUB_API_URL', savedEnv.url],
    ['AIGNE_HUB_API_KEY', savedEnv.key],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await fake.close();
  await t.close();
});

beforeEach(async () => {
  fake.reset();
  fake.chat = {};
  await owner.config.update.mutate({ billing: { enabled: false } });
});

describe('discovery', () => {
  it('serves the hub as the AIGNE Hub component, mounted at its root, in JSON and as a script', async () => {
    expect(AIGNE_HUB_COMPONENT_DID).toBe(AIGNE_HUB_BLOCKLET_DID);
    const json = await fetch(`${t.hub.url}/__blocklet__.js?type=json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as Record<string, unknown>;
    expect(document).toMatchObject({
      appName: 'aigne-hub',
      appUrl: t.hub.services.publicUrl.href,
      componentMountPoints: [{ did: AIGNE_HUB_BLOCKLET_DID, mountPoint: '/', name: 'aigne-hub' }],
    });
    // The package's own discovery finds the hub at its origin (joinURL drops the trailing `/`).
    expect(await getAIGNEHubMountPoint(t.hub.url, AIGNE_HUB_BLOCKLET_DID)).toBe(new URL(t.hub.url).origin);

    const script = await fetch(`${t.hub.url}/__blocklet__.js`);
    expect(script.headers.get('content-type')).toContain('application/javascript');
    const sandbox: { window: { blocklet?: unknown } } = { window: {} };
    vm.runInNewContext(await script.text(), sandbox);
    expect(sandbox.window.blocklet).toEqual(document);
  });
});

describe('AIGNEHubChatModel.invoke without streaming', () => {
  it('answers text with usage and the serving model, translating messages and options', async () => {
    const result = await chatModel().invoke({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'hello hub' }] },
      ],
      modelOptions: { temperature: 0.2 },
    });
    expect(result.text).toBe('Echo: ...');
    expect(result.model).toBe(MODEL);
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 7 });
    const upstream = fake.requests.at(-1)!;
    expect(upstream.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.parse(upstream.body.toString())).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'hello hub' }] },
      ],
    });
    expect(lastEvent('ai.chat')).toMatchObject({
      outcome: 'success',
      target_id: MODEL,
      details: { stream: false, inputTokens: 11, outputTokens: 7 },
    });
    expect(lastUsage()).toMatchObject({
      user_did: guestDid,
      provider: 'openai',
      model: 'gpt-4o-mini',
      endpoint: 'chat',
      input_tokens: 11,
      output_tokens: 7,
      status: 'success',
    });
  });

  it('returns a tool call with its arguments parsed, and sends a tool round trip upstream', async () => {
    fake.chat = { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] };
    const model = chatModel();
    const first = await model.invoke({
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [weatherTool],
      toolChoice: 'auto',
      modelOptions: { parallelToolCalls: false },
    });
    expect(first.text).toBeUndefined();
    expect(first.toolCalls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } },
    ]);
    expect(upstreamBody()).toMatchObject({
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: weatherTool.function.parameters } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });

    fake.chat = { text: 'Sunny in Paris.' };
    const second = await model.invoke({
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'agent', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_1', content: '{"sky":"sunny"}' },
      ],
      tools: [weatherTool],
    });
    expect(second.text).toBe('Sunny in Paris.');
    expect((upstreamBody().messages as unknown[]).slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' },
    ]);
  });

  it('asks for a json_schema answer and returns it parsed as `json`', async () => {
    fake.chat = { text: '{"answer":42}' };
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const result = await chatModel().invoke({
      messages: [{ role: 'user', content: 'the answer?' }],
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'answer', schema } },
    });
    expect(result.json).toEqual({ answer: 42 });
    expect(result.text).toBeUndefined();
    expect(upstreamBody().response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema },
    });
  });

  it('sends images as image_url data URLs', async () => {
    await chatModel().invoke({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'file', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
          ],
        },
      ],
    });
    expect((upstreamBody().messages as { content: unknown }[])[0]!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ]);
  });

  it('takes the model from the invocation when the client was built without one', async () => {
    const model = new AIGNEHubChatModel({ baseURL: t.hub.url, apiKey: key });
    const result = await model.invoke({
      messages: [{ role: 'user', content: 'hi' }],
      modelOptions: { model: MODEL },
    });
    expect(result.model).toBe(MODEL);
  });

  it('works configured only through the environment variables AIGNE apps set', async () => {
    process.env.AIGNE_HUB_API_KEY = key;
    try {
      const result = await new AIGNEHubChatModel({ model: HUB_MODEL }).invoke({
        messages: [{ role: 'user', content: 'from env' }],
      });
      expect(result.text).toBe('Echo: from env');
    } finally {
      delete process.env.AIGNE_HUB_API_KEY;
    }
  });

  it('reports credits in usage when billing is on', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    await owner.users.grantCredits.mutate({ did: guestDid, amount: 1, reason: 'aigne test' });
    const result = await chatModel().invoke({ messages: [{ role: 'user', content: 'x' }] });
    // 11 x 0.001 + 7 x 0.002
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 7, aigneHubCredits: 0.025 });
    expect(lastUsage()).toMatchObject({ credits: 25_000 });
  });
});

describe('AIGNEHubChatModel.invoke with streaming', () => {
  it('streams text in several chunks, then usage and the model', async () => {
    fake.chat = { text: 'one two three four five six', chunks: 5 };
    const stream = await chatModel().invoke(
      { messages: [{ role: 'user', content: 'count' }] },
      { streaming: true },
    );
    const { pieces, output } = await drain(stream);
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    expect(pieces.join('')).toBe('one two three four five six');
    expect(output).toMatchObject({
      text: 'one two three four five six',
      model: MODEL,
      usage: { inputTokens: 11, outputTokens: 7 },
    });
    expect(upstreamBody()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(lastEvent('ai.chat')).toMatchObject({ outcome: 'success', details: { stream: true } });
    expect(lastUsage()).toMatchObject({ input_tokens: 11, output_tokens: 7, status: 'success' });
  });

  it('streams a tool call, assembled from its pieces, with arguments parsed', async () => {
    fake.chat = { toolCalls: [{ id: 'call_7', name: 'get_weather', arguments: '{"city":"Oslo"}' }] };
    const stream = await chatModel().invoke(
      { messages: [{ role: 'user', content: 'weather in Oslo?' }], tools: [weatherTool] },
      { streaming: true },
    );
    const { output } = await drain(stream);
    expect(output.toolCalls).toEqual([
      { id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
    ]);
  });

  it('streams a json_schema answer as `json` (a Markdown fence around it is dropped)', async () => {
    fake.chat = { text: '```json\n{"answer":7}\n```', chunks: 3 };
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const stream = await chatModel().invoke(
      {
        messages: [{ role: 'user', content: 'the answer?' }],
        responseFormat: { type: 'json_schema', jsonSchema: { name: 'answer', schema } },
      },
      { streaming: true },
    );
    const { pieces, output } = await drain(stream);
    expect(pieces).toEqual([]);
    expect(output.json).toEqual({ answer: 7 });
  });

  it('a stream the upstream cuts midway makes the client throw, and is metered as an error', async () => {
    fake.chat = { text: 'abcdefghij', chunks: 5, cutAfterChunks: 2 };
    const stream = await chatModel().invoke(
      { messages: [{ role: 'user', content: 'cut' }] },
      { streaming: true },
    );
    await expect(drain(stream)).rejects.toThrow(/The provider failed/);
    expect(lastUsage()).toMatchObject({ status: 'error' });
    expect(lastEvent('ai.chat')).toMatchObject({ outcome: 'error', details: { stream: true } });
  });
});

describe('models', () => {
  it('lists the rated chat models in the shape the client parses, without a key', async () => {
    const expected = {
      model: MODEL,
      type: 'chat',
      provider: 'openai',
      providerDisplayName: 'OpenAI',
      input_credits_per_token: '0.001',
      output_credits_per_token: '0.002',
      status: { available: true },
    };
    expect(await chatModel().models()).toEqual([expected]);
    expect(await AIGNEHubChatModel.models()).toEqual([expected]);
    const images = await new AIGNEHubImageModel({ baseURL: t.hub.url, apiKey: key }).models();
    expect(images).toEqual([
      {
        ...expected,
        model: 'openai/gpt-image-1',
        type: 'image',
        input_credits_per_token: '0',
        output_credits_per_token: '0.5',
      },
    ]);
  });

  it('with a key, lists only what that key may use; a bad key is refused', async () => {
    const { secret } = await guestSession.apiKeys.create.mutate({
      name: 'images only',
      scopes: ['ai'],
      allowedModels: ['openai/gpt-image-1'],
    });
    const list = async (apiKey: string) =>
      fetch(`${t.hub.url}/api/ai/models`, { headers: { authorization: `Bearer ${apiKey}` } });
    const narrowed = (await (await list(secret)).json()) as { model: string }[];
    expect(narrowed.map((m) => m.model)).toEqual(['openai/gpt-image-1']);
    const all = (await (await fetch(`${t.hub.url}/api/ai/models`)).json()) as { model: string }[];
    expect(all.map((m) => m.model).sort()).toEqual([
      'openai/gpt-4o-mini',
      'openai/gpt-image-1',
      'openai/text-embedding-3-small',
    ]);
    expect((await list('ahk_nope')).status).toBe(401);
  });

  it('a provider whose only credential is invalid shows its models as unavailable', async () => {
    t.hub.services.hubDb.$client.prepare("UPDATE credentials SET status = 'invalid'").run();
    try {
      const [model] = await chatModel().models();
      expect(model!.status).toEqual({ available: false });
    } finally {
      t.hub.services.hubDb.$client.prepare("UPDATE credentials SET status = 'healthy'").run();
    }
  });
});

describe('errors reach the client with the hub message', () => {
  it('a malformed key, an unknown key, a revoked key', async () => {
    const messages = { prompt: [{ role: 'user' as const, content: 'x' }] };
    await expect(chatModel('ahk_nope').invoke({ messages: messages.prompt })).rejects.toThrow(
      'The API key is not a valid hub API key',
    );
    const { key: created, secret } = await guestSession.apiKeys.create.mutate({
      name: 'gone',
      scopes: ['ai'],
    });
    await guestSession.apiKeys.revoke.mutate({ id: created.id });
    await expect(chatModel(secret).invoke({ messages: messages.prompt })).rejects.toThrow(
      'The API key has been revoked',
    );
    expect(lastEvent('ai.chat')).toMatchObject({ outcome: 'denied', target_id: '/api/v2/chat' });
    // Streaming fails the same way: the hub answers 401 before any stream starts.
    const stream = await chatModel('ahk_nope').invoke({ messages: messages.prompt }, { streaming: true });
    await expect(drain(stream)).rejects.toThrow('The API key is not a valid hub API key');
  });

  it('an unknown model, with what is on offer', async () => {
    const calls = fake.requests.length;
    const error = await chatModel(key, 'aignehub/gpt-nope')
      .invoke({ messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e as Error & { type?: string });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(
      'Unknown model "gpt-nope". Name it as provider/model (providers: openai), or use one of the chat models on offer: openai/gpt-4o-mini',
    );
    expect(error.type).toBe('not_found_error');
    expect(fake.requests.length).toBe(calls);
  });

  it("a model outside the key's allowed models, audited as denied", async () => {
    const { secret } = await guestSession.apiKeys.create.mutate({
      name: 'images only',
      scopes: ['ai'],
      allowedModels: ['openai/gpt-image-1'],
    });
    await expect(chatModel(secret).invoke({ messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      `This API key may not use the model "${MODEL}"`,
    );
    expect(lastEvent('ai.chat')).toMatchObject({ outcome: 'denied', target_id: MODEL });
  });

  it('no credits left while billing is on', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    const login = await signIn(t.hub.url, newWallet());
    const { secret } = await login.session.trpc.apiKeys.create.mutate({ name: 'broke', scopes: ['ai'] });
    await expect(chatModel(secret).invoke({ messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      'Not enough credits for this request; ask an admin to grant credits',
    );
  });

  it('an agent other than the chat model is not found, and a local file is refused', async () => {
    const post = (body: unknown) =>
      fetch(`${t.hub.url}/api/v2/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const input = { messages: [{ role: 'user', content: 'x' }], modelOptions: { model: MODEL } };
    const agent = await post({ agent: 'writer', input });
    expect(agent.status).toBe(404);
    expect(await agent.json()).toMatchObject({ error: { message: 'Agent writer not found' } });
    const local = await post({
      agent: '$CHAT_MODEL',
      input: { ...input, messages: [{ role: 'user', content: [{ type: 'local', path: '/etc/passwd' }] }] },
    });
    expect(local.status).toBe(400);
    expect(await local.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unsupported_content' },
    });
  });
});

describe('AIGNEHubImageModel', () => {
  it('generates images through the gateway, metered as ai.images', async () => {
    const model = new AIGNEHubImageModel({
      baseURL: t.hub.url,
      apiKey: key,
      model: 'aignehub/openai/gpt-image-1',
    });
    const result = await model.invoke({ prompt: 'a cat', n: 2, outputFileType: 'file' });
    expect(result.images).toEqual([
      { type: 'file', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
      { type: 'file', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
    ]);
    expect(result.model).toBe('openai/gpt-image-1');
    expect(upstreamBody('/v1/images/generations')).toEqual({ model: 'gpt-image-1', prompt: 'a cat', n: 2 });
    expect(lastEvent('ai.images')).toMatchObject({
      outcome: 'success',
      target_id: 'openai/gpt-image-1',
      details: { images: 2 },
    });
  });
});

describe("AIGNE Hub's v2 API", () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.hub.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  /** The `data:` objects of an SSE body. */
  const events = async (response: Response) =>
    (await response.text())
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: '))
      .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>);

  it('chat/completions answers JSON { role, text, content } with usage', async () => {
    const response = await post('/api/v2/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'plain' }],
      maxTokens: 50,
      topP: 0.5,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      role: 'assistant',
      text: 'Echo: plain',
      content: 'Echo: plain',
      model: MODEL,
      usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18 },
    });
    expect(upstreamBody()).toMatchObject({ max_tokens: 50, top_p: 0.5 });
    expect(lastEvent('ai.chat')).toMatchObject({ outcome: 'success', details: { stream: false } });
  });

  it('completions takes a prompt, and returns tool calls with JSON-string arguments', async () => {
    fake.chat = { toolCalls: [{ id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' }] };
    const response = await post('/api/v2/completions', {
      model: MODEL,
      prompt: 'weather in Rome?',
      tools: [weatherTool],
      toolChoice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(await response.json()).toMatchObject({
      text: '',
      toolCalls: [
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    });
    expect(upstreamBody()).toMatchObject({
      messages: [{ role: 'user', content: 'weather in Rome?' }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
  });

  it('streams { delta } chunks then { usage } for stream: true, and for Accept: text/event-stream', async () => {
    fake.chat = { text: 'alpha beta gamma delta', chunks: 4 };
    const streamed = await post('/api/v2/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
    });
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const data = await events(streamed);
    const deltas = data.filter((e) => 'delta' in e) as { delta: { role?: string; content?: string } }[];
    expect(deltas.length).toBe(4);
    expect(deltas[0]!.delta.role).toBe('assistant');
    expect(deltas.map((e) => e.delta.content).join('')).toBe('alpha beta gamma delta');
    expect(data.at(-1)).toEqual({ usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18 } });
    expect(lastEvent('ai.chat')).toMatchObject({ outcome: 'success', details: { stream: true } });

    const accepted = await post(
      '/api/v2/chat/completions',
      { model: MODEL, messages: [{ role: 'user', content: 'go' }] },
      { accept: 'text/event-stream' },
    );
    expect((await events(accepted)).filter((e) => 'delta' in e)).toHaveLength(4);
  });

  it('a stream that breaks ends with an { error } object', async () => {
    fake.chat = { text: 'abcdefghij', chunks: 5, cutAfterChunks: 2 };
    const data = await events(
      await post('/api/v2/chat/completions', {
        model: MODEL,
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      }),
    );
    expect(data.at(-1)).toMatchObject({ error: { type: 'upstream_error' } });
    expect(lastUsage()).toMatchObject({ status: 'error' });
  });

  it('refuses a bad body and a bad key in the { error: { message, type, code } } shape', async () => {
    const invalid = await post('/api/v2/chat/completions', { model: MODEL });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: {
        type: 'invalid_request_error',
        code: 'invalid_request',
        message: 'Invalid request: messages: send either messages or prompt (exactly one of them)',
      },
    });
    const denied = await post(
      '/api/v2/chat/completions',
      { model: MODEL, prompt: 'x' },
      { authorization: 'Bearer ahk_nope' },
    );
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({
      error: {
        message: 'The API key is not a valid hub API key',
        type: 'authentication_error',
        code: 'invalid_api_key',
        param: null,
      },
    });
  });

  it('embeddings', async () => {
    const response = await post('/api/v2/embeddings', {
      model: 'openai/text-embedding-3-small',
      input: ['a', 'bb'],
    });
    const body = (await response.json()) as {
      data: { embedding: number[] }[];
      model: string;
      usage: unknown;
    };
    expect(body.data).toHaveLength(2);
    expect(body.data[1]!.embedding).toHaveLength(8);
    expect(body.model).toBe('openai/text-embedding-3-small');
    expect(body.usage).toEqual({ promptTokens: 6, totalTokens: 6 });
    expect(lastEvent('ai.embeddings')).toMatchObject({
      outcome: 'success',
      target_id: 'openai/text-embedding-3-small',
    });
  });

  it('image/generations', async () => {
    await owner.config.update.mutate({ billing: { enabled: true } });
    await owner.users.grantCredits.mutate({ did: guestDid, amount: 5, reason: 'images' });
    const response = await post('/api/v2/image/generations', {
      model: 'openai/gpt-image-1',
      prompt: 'a dog',
      n: 1,
      size: '1024x1024',
      responseFormat: 'b64_json',
    });
    const image = { b64Json: 'iVBORw0KGgo=', b64_json: 'iVBORw0KGgo=' };
    expect(await response.json()).toEqual({
      images: [image],
      data: [image],
      model: 'openai/gpt-image-1',
      usage: { aigneHubCredits: 0.5 },
    });
    expect(upstreamBody('/v1/images/generations')).toEqual({
      model: 'gpt-image-1',
      prompt: 'a dog',
      n: 1,
      size: '1024x1024',
      response_format: 'b64_json',
    });
  });

  it('status: availability, rating and the balance, for the caller', async () => {
    const status = async (query = '') => {
      const response = await fetch(`${t.hub.url}/api/v2/status${query}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await status()).toEqual({
      available: true,
      model: null,
      rated: null,
      credits: expect.any(Number),
      billing: false,
    });
    expect(await status(`?model=${MODEL}`)).toMatchObject({ available: true, model: MODEL, rated: true });
    // Without billing an unrated model can still be used; with billing it cannot.
    expect(await status('?model=openai/gpt-4o')).toMatchObject({
      available: true,
      model: 'openai/gpt-4o',
      rated: false,
    });
    await owner.config.update.mutate({ billing: { enabled: true } });
    expect(await status('?model=openai/gpt-4o')).toMatchObject({
      available: false,
      rated: false,
      billing: true,
      error: '"openai/gpt-4o" has no chat rate, and billing is on',
    });
    expect(await status('?model=nope')).toMatchObject({
      available: false,
      error: 'Unknown chat model "nope"',
    });
    const balance = (await guestSession.me.get.query()).credits;
    expect(await status(`?model=gpt-4o-mini`)).toMatchObject({ model: MODEL, credits: balance });
    const anonymous = await fetch(`${t.hub.url}/api/v2/status`);
    expect(anonymous.status).toBe(401);
  });

  it('a browser session may call it from the hub origin', async () => {
    const login = await signIn(t.hub.url, newWallet());
    const response = await fetch(`${t.hub.url}/api/v2/chat/completions`, {
      method: 'POST',
      headers: {
        cookie: login.cookie,
        origin: new URL(t.hub.url).origin,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: MODEL, prompt: 'from the browser' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ text: 'Echo: from the browser' });
  });
});

describe('disconnects', () => {
  it('a client leaving an AIGNE stream aborts the upstream request, and the usage is still recorded', async () => {
    fake.chat = { text: 'x'.repeat(40), chunks: 20, chunkDelayMs: 50 };
    const abortedBefore = fake.abortedStreams;
    const controller = new AbortController();
    const response = await fetch(`${t.hub.url}/api/v2/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        input: { messages: [{ role: 'user', content: 'long' }], modelOptions: { model: MODEL } },
        agent: '$CHAT_MODEL',
        options: { streaming: true },
      }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    // Read until the first text delta arrived, then leave.
    while (!text.includes('"text":{"text"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before any text: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await expect.poll(() => fake.abortedStreams, { timeout: 5000 }).toBe(abortedBefore + 1);
    await expect.poll(() => lastUsage()?.status, { timeout: 5000 }).toBe('aborted');
  });
});

describe('audit', () => {
  it('the AIGNE calls left a verifiable chain', async () => {
    expect(await owner.auditEvents.verify.query()).toMatchObject({ ok: true });
  });
});
