// The Anthropic adapter through the real @anthropic-ai/sdk against the fake Anthropic API (real HTTP, real
// JSON and SSE): exact request bodies from OpenAI params, exact OpenAI answers, every failure kind, aborts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../../../test/fakes/anthropic';
import { withDeadline, type UpstreamTarget } from '../../providers/upstream';
import { anthropicAdapter } from './anthropic';
import { DEFAULT_MAX_TOKENS } from './anthropic-request';
import { JSON_OBJECT_INSTRUCTION } from './sdk-conversation';
import { closedPort, controlledCall, drain, failureFrom, within } from './sdk-testing';
import type { ChatParams } from './types';

const goodKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`;
const wrongKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`;
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await FakeAnthropic.start({ keys: [goodKey] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const target = (apiKey = goodKey, baseUrl = fake.baseUrl): UpstreamTarget => ({
  kind: 'anthropic',
  baseUrl,
  region: null,
  secret: { type: 'api_key', apiKey },
});
const call = () => controlledCall().call;
const ask = (extra: Partial<ChatParams> = {}): ChatParams => ({
  model: 'claude-sonnet-4-6',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const ANSWER_SCHEMA = {
  type: 'object',
  properties: { summary: { type: 'string' } },
  required: ['summary'],
  additionalProperties: false,
};

describe('request translation', () => {
  it('translates system, images, tool calls, tool results, tools and options exactly', async () => {
    await anthropicAdapter.chat(target(), call(), {
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'Use metric units.', prompt_cache_breakpoint: { mode: 'explicit' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather in Paris?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'toolu_01',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'toolu_02', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01', content: '18°C, sunny' },
        {
          role: 'tool',
          tool_call_id: 'toolu_02',
          content: [
            { type: 'text', text: '14:00' },
            { type: 'text', text: 'CEST' },
          ],
        },
        { role: 'user', content: 'Thanks. Summarise.' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER_SCHEMA },
        },
        { type: 'function', function: { name: 'get_time' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      max_completion_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      user: 'user-42',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: ANSWER_SCHEMA } },
      // No Anthropic equivalent, and none changes what Claude answers: not sent.
      presence_penalty: 0.5,
      seed: 7,
      store: true,
    });
    expect(fake.lastMessagesBody()).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 300,
      stream: false,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Use metric units.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather in Paris?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: '18°C, sunny' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_02',
              content: [
                { type: 'text', text: '14:00' },
                { type: 'text', text: 'CEST' },
              ],
            },
            { type: 'text', text: 'Thanks. Summarise.' },
          ],
        },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      tools: [
        { name: 'get_weather', description: 'Current weather', input_schema: WEATHER_SCHEMA },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      output_config: { format: { type: 'json_schema', schema: ANSWER_SCHEMA } },
      metadata: { user_id: 'user-42' },
    });
    const request = fake.requests.at(-1)!;
    expect(request.headers['x-api-key']).toBe(goodKey);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers.authorization).toBeUndefined();
  });

  it('sends a default max_tokens, a plain string system, and PDFs as documents', async () => {
    await anthropicAdapter.chat(target(), call(), {
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: { file_data: 'data:application/pdf;base64,JVBERi0xLjc=', filename: 'a.pdf' },
            },
            {
              type: 'file',
              file: { file_data: Buffer.from('plain notes').toString('base64'), filename: 'n.txt' },
            },
          ],
        },
      ],
      max_tokens: 50, // the deprecated name counts too
    });
    expect(fake.lastMessagesBody()).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      stream: false,
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjc=' },
              title: 'a.pdf',
            },
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'plain notes' },
              title: 'n.txt',
            },
          ],
        },
      ],
    });
    await anthropicAdapter.chat(target(), call(), ask());
    expect(fake.lastMessagesBody()).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: DEFAULT_MAX_TOKENS,
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('asks for a JSON object through the system prompt (Anthropic has no JSON mode)', async () => {
    await anthropicAdapter.chat(
      target(),
      call(),
      ask({
        messages: [
          { role: 'system', content: 'Answer in JSON.' },
          { role: 'user', content: 'Hi' },
        ],
        response_format: { type: 'json_object' },
      }),
    );
    expect(fake.lastMessagesBody().system).toEqual([
      { type: 'text', text: 'Answer in JSON.' },
      { type: 'text', text: JSON_OBJECT_INSTRUCTION },
    ]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
  ] as const)('maps tool_choice %s', async (choice, expected) => {
    await anthropicAdapter.chat(
      target(),
      call(),
      ask({
        tools: [{ type: 'function', function: { name: 'f', parameters: WEATHER_SCHEMA } }],
        tool_choice: choice,
      }),
    );
    expect(fake.lastMessagesBody().tool_choice).toEqual(expected);
  });

  it.each([
    ['n > 1', { n: 2 }, 'Anthropic returns one choice per request: n must be 1'],
    ['logprobs', { logprobs: true }, 'logprobs are not available through Anthropic'],
    [
      'audio input',
      {
        messages: [
          { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] },
        ],
      },
      'audio input is not supported by Anthropic',
    ],
    [
      'custom tools',
      { tools: [{ type: 'custom', custom: { name: 'grep' } }] },
      'only function tools are supported by Anthropic',
    ],
  ] as [string, Partial<ChatParams>, string][])(
    'refuses %s without calling upstream',
    async (_, extra, message) => {
      const failure = await failureFrom(anthropicAdapter.chat(target(), call(), ask(extra)));
      expect(failure).toMatchObject({ kind: 'unsupported', message });
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('refuses tool-call arguments that are not a JSON object as a bad request', async () => {
    const failure = await failureFrom(
      anthropicAdapter.chat(
        target(),
        call(),
        ask({
          messages: [
            { role: 'user', content: 'Hi' },
            {
              role: 'assistant',
              tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":' } }],
            },
            { role: 'tool', tool_call_id: 'c1', content: 'x' },
          ],
        }),
      ),
    );
    expect(failure).toMatchObject({
      kind: 'bad_request',
      message: 'the arguments of the call to "f" are not valid JSON',
    });
  });
});

describe('answers', () => {
  it('translates a message with text, tool calls and cache usage', async () => {
    fake.script({
      text: ['Checking', ' the weather.'],
      toolCalls: [{ id: 'toolu_9', name: 'get_weather', arguments: ['{"city":', '"Paris"}'] }],
      usage: { input: 20, output: 15, cacheRead: 100, cacheWrite: 30 },
      model: 'claude-sonnet-4-6-20260101',
    });
    const result = await anthropicAdapter.chat(target(), call(), ask());
    expect(result.usage).toEqual({
      inputTokens: 20,
      outputTokens: 15,
      cacheReadTokens: 100,
      cacheWriteTokens: 30,
    });
    expect(result.completion).toEqual({
      id: 'msg_fake1',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'claude-sonnet-4-6-20260101',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking the weather.',
            refusal: null,
            tool_calls: [
              {
                id: 'toolu_9',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 150,
        completion_tokens: 15,
        total_tokens: 165,
        prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 30 },
      },
    });
  });

  it.each([
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['stop_sequence', 'stop'],
    ['end_turn', 'stop'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to %s', async (nativeFinish, finish) => {
    fake.script({ text: ['x'], nativeFinish });
    const { completion } = await anthropicAdapter.chat(target(), call(), ask());
    expect(completion.choices[0]?.finish_reason).toBe(finish);
  });

  it('streams text deltas and a tool call with streamed arguments as OpenAI chunks', async () => {
    fake.script({
      text: ['Hel', 'lo', ' there'],
      toolCalls: [{ id: 'toolu_5', name: 'lookup', arguments: ['{"q":', '"cats"', '}'] }],
      usage: { input: 9, output: 21, cacheRead: 4 },
    });
    const stream = await anthropicAdapter.chatStream(target(), call(), ask({ stream: true }));
    const chunks = await drain(stream);
    const base = {
      id: 'msg_fake1',
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: 'claude-sonnet-4-6',
    };
    const choice = (delta: object, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hel' }),
      choice({ content: 'lo' }),
      choice({ content: ' there' }),
      choice({
        tool_calls: [
          { index: 0, id: 'toolu_5', type: 'function', function: { name: 'lookup', arguments: '' } },
        ],
      }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '"cats"' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }),
      choice({}, 'tool_calls'),
    ]);
    expect(stream.usage()).toEqual({
      inputTokens: 9,
      outputTokens: 21,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
    });
    expect(fake.lastMessagesBody().stream).toBe(true);
  });

  it('numbers several tool calls apart from text blocks and gives argument-less calls "{}"', async () => {
    fake.script({
      toolCalls: [
        { id: 'toolu_a', name: 'now', arguments: [] },
        { id: 'toolu_b', name: 'echo', arguments: ['{"x":1}'] },
      ],
    });
    const chunks = await drain(await anthropicAdapter.chatStream(target(), call(), ask({ stream: true })));
    expect(chunks.map((c) => c.choices[0]?.delta.tool_calls ?? c.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'now', arguments: '' } }],
      [{ index: 0, function: { arguments: '{}' } }],
      [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'echo', arguments: '' } }],
      [{ index: 1, function: { arguments: '{"x":1}' } }],
      'tool_calls',
    ]);
  });
});

describe('long streams', () => {
  it('lets a stream that keeps flowing outlive the SDK timeout (only silence is bounded, by the call)', async () => {
    fake.script({ text: ['a', 'b', 'c', 'd', 'e'], eventGapMs: 120 });
    const stream = await anthropicAdapter.chatStream(
      target(),
      controlledCall(100).call,
      ask({ stream: true }),
    );
    const text = (await drain(stream)).map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('abcde');
  });
});

describe('failures', () => {
  it('turns a rejected key into auth, without the key the upstream echoed', async () => {
    const failure = await failureFrom(anthropicAdapter.chat(target(wrongKey), call(), ask()));
    expect(failure).toMatchObject({ kind: 'auth', status: 401, retryable: true });
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBe(wrongKey);
    expect(failure.message).toMatch(/^401: invalid x-api-key: /);
    for (let i = 0; i + 8 <= wrongKey.length; i++)
      expect(failure.message).not.toContain(wrongKey.slice(i, i + 8));
  });

  it.each([
    [429, 'rate_limited', 7],
    [529, 'server', null],
    [500, 'server', null],
    [400, 'bad_request', null],
    [404, 'bad_request', null],
    [413, 'bad_request', null],
    [403, 'auth', null],
  ] as const)('turns status %i into %s', async (status, kind, retryAfter) => {
    fake.script({
      error: { status, message: `scripted ${status}`, ...(retryAfter && { retryAfterSeconds: retryAfter }) },
    });
    const failure = await failureFrom(anthropicAdapter.chat(target(), call(), ask()));
    expect(failure).toMatchObject({ kind, status, retryAfterSeconds: retryAfter });
  });

  it('reports an error status of a stream before any chunk, from chatStream itself', async () => {
    fake.script({ error: { status: 429, retryAfterSeconds: 3 } });
    const failure = await failureFrom(anthropicAdapter.chatStream(target(), call(), ask({ stream: true })));
    expect(failure).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterSeconds: 3 });
  });

  it('turns an unreachable upstream into connection', async () => {
    const failure = await failureFrom(
      anthropicAdapter.chat(target(goodKey, `http://127.0.0.1:${await closedPort()}`), call(), ask()),
    );
    expect(failure.kind).toBe('connection');
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('turns the deadline into timeout and a client abort into aborted', async () => {
    fake.script({ delayMs: 2_000 }, { delayMs: 2_000 });
    const outcome = await withDeadline(150, (c) => anthropicAdapter.chat(target(), c, ask()));
    expect('error' in outcome && outcome.error).toMatchObject({ kind: 'timeout' });
    const { call: c, cancel } = controlledCall();
    setTimeout(cancel, 100);
    expect(await failureFrom(anthropicAdapter.chat(target(), c, ask()))).toMatchObject({ kind: 'aborted' });
  });

  it('fails the chunks when Anthropic sends an error event mid-stream, keeping the usage so far', async () => {
    fake.script({
      text: ['a', 'b', 'c'],
      usage: { input: 5, output: 9 },
      interrupt: { afterEvents: 4, then: { errorStatus: 529, message: 'Overloaded' } },
    });
    const stream = await anthropicAdapter.chatStream(target(), call(), ask({ stream: true }));
    const seen: string[] = [];
    const failure = await failureFrom(
      (async () => {
        for await (const chunk of stream.chunks) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(failure).toMatchObject({ kind: 'server', status: 529, message: '529: Overloaded' });
    expect(seen).toEqual(['', 'a']);
    expect(stream.usage()).toEqual({
      inputTokens: 5,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it.each([
    ['cut', 'connection'],
    ['end', 'server'],
  ] as const)('fails the chunks when the stream is %s before message_stop', async (then, kind) => {
    fake.script({ text: ['a', 'b'], interrupt: { afterEvents: 4, then } });
    const stream = await anthropicAdapter.chatStream(target(), call(), ask({ stream: true }));
    expect(await failureFrom(drain(stream))).toMatchObject({ kind });
  });

  it('turns a stalled stream ended by the deadline into timeout', async () => {
    fake.script({ text: ['a', 'b'], interrupt: { afterEvents: 3, then: 'stall' } });
    const { call: c, expire } = controlledCall(100);
    const stream = await anthropicAdapter.chatStream(target(), c, ask({ stream: true }));
    setTimeout(expire, 100);
    expect(await failureFrom(drain(stream))).toMatchObject({ kind: 'timeout' });
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the connection closed');
    expect(fake.disconnects.count).toBe(1);
  });
});

describe('aborts', () => {
  it('aborts the upstream request when the consumer stops early', async () => {
    fake.script({ text: ['one', 'two', 'three'], interrupt: { afterEvents: 4, then: 'stall' } });
    const stream = await anthropicAdapter.chatStream(target(), call(), ask({ stream: true }));
    for await (const chunk of stream.chunks) {
      if (chunk.choices[0]?.delta.content === 'one') break;
    }
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the connection closed');
    expect(fake.disconnects.count).toBe(1);
  });

  it('aborts the upstream request when the caller aborts mid-stream', async () => {
    fake.script({ text: ['one', 'two'], interrupt: { afterEvents: 3, then: 'stall' } });
    const { call: c, cancel } = controlledCall();
    const stream = await anthropicAdapter.chatStream(target(), c, ask({ stream: true }));
    setTimeout(cancel, 50);
    expect(await failureFrom(drain(stream))).toMatchObject({ kind: 'aborted' });
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the connection closed');
    expect(fake.disconnects.count).toBe(1);
  });
});

describe('what Anthropic does not offer', () => {
  it('refuses embeddings and images', async () => {
    expect(
      await failureFrom(anthropicAdapter.embeddings(target(), call(), { model: 'x', input: 'a' })),
    ).toMatchObject({
      kind: 'unsupported',
    });
    expect(
      await failureFrom(anthropicAdapter.images(target(), call(), { model: 'x', prompt: 'a' })),
    ).toMatchObject({
      kind: 'unsupported',
    });
  });
});
