// The Gemini adapter through the real @google/genai SDK against the fake Gemini API (real HTTP, real JSON
// and SSE): exact request bodies from OpenAI params, exact OpenAI answers, every failure kind, aborts,
// embeddings and images.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, fakeImageBase64 } from '../../../test/fakes/chat-script';
import { FakeGemini, GEMINI_DEFAULT_DIMENSIONS } from '../../../test/fakes/gemini';
import { withDeadline, type UpstreamTarget } from '../../providers/upstream';
import { geminiAdapter } from './gemini';
import { aspectRatioFor } from './gemini-media';
import { splitToolCallId, toolCallId } from './gemini-request';
import { completionFromGemini } from './gemini-response';
import { closedPort, controlledCall, drain, failureFrom, within } from './sdk-testing';
import type { ChatParams } from './types';

const goodKey = `AIzaSy${randomBytes(16).toString('hex')}`;
const wrongKey = `AIzaSy${randomBytes(16).toString('hex')}`;
let fake: FakeGemini;

beforeAll(async () => {
  fake = await FakeGemini.start({ keys: [goodKey] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const target = (apiKey = goodKey, baseUrl = fake.baseUrl): UpstreamTarget => ({
  kind: 'google',
  baseUrl,
  region: null,
  secret: { type: 'api_key', apiKey },
});
const call = () => controlledCall().call;
const ask = (extra: Partial<ChatParams> = {}): ChatParams => ({
  model: 'gemini-2.5-flash',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

/** A thought signature whose base64 has '+', '/' and '=' in it (base64url in ids must round-trip). */
const SIGNATURE = Buffer.from([0xfb, 0xef, 0xff, 0x01, 0x02]).toString('base64');
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const ANSWER_SCHEMA = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] };

describe('request translation', () => {
  it('translates system, media, tool calls with their thought signature, tool results and options exactly', async () => {
    const callId = toolCallId('call_a', SIGNATURE);
    expect(callId).toMatch(/^[A-Za-z0-9_-]+$/);
    await geminiAdapter.chat(target(), call(), {
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Use metric units.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these, and the weather.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: callId,
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: callId, content: '18°C' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER_SCHEMA },
        },
      ],
      tool_choice: 'required',
      temperature: 0.3,
      top_p: 0.8,
      max_completion_tokens: 256,
      stop: ['END', 'STOP'],
      n: 2,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      seed: 42,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: ANSWER_SCHEMA } },
      // No Gemini equivalent: not sent.
      user: 'user-42',
      parallel_tool_calls: false,
    });
    const sent = fake.lastCall();
    expect(sent.model).toBe('gemini-2.5-flash');
    expect(sent.method).toBe('generateContent');
    expect(sent.body).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Describe these, and the weather.' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { fileUri: 'https://example.com/cat.JPG', mimeType: 'image/jpeg' } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
          ],
        },
        {
          role: 'model',
          parts: [
            {
              functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } },
              thoughtSignature: SIGNATURE,
            },
          ],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { id: 'call_a', name: 'get_weather', response: { output: '18°C' } } }],
        },
      ],
      systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Use metric units.' }] },
      generationConfig: {
        temperature: 0.3,
        topP: 0.8,
        maxOutputTokens: 256,
        stopSequences: ['END', 'STOP'],
        candidateCount: 2,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        seed: 42,
        responseMimeType: 'application/json',
        responseJsonSchema: ANSWER_SCHEMA,
      },
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Current weather', parametersJsonSchema: WEATHER_SCHEMA },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
    const request = fake.requests.at(-1)!;
    expect(request.headers['x-goog-api-key']).toBe(goodKey);
    expect(request.query.get('key')).toBeNull();
  });

  it('maps JSON mode, the named tool choice and a bare request', async () => {
    await geminiAdapter.chat(
      target(),
      call(),
      ask({
        response_format: { type: 'json_object' },
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
      }),
    );
    expect(fake.lastCall().body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { responseMimeType: 'application/json' },
      tools: [
        { functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object', properties: {} } }] },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
    });
    await geminiAdapter.chat(target(), call(), ask());
    expect(fake.lastCall().body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: {},
    });
  });

  it('carries a thought signature in the tool call id and back', () => {
    expect(splitToolCallId(toolCallId('call_x', SIGNATURE))).toEqual({ id: 'call_x', signature: SIGNATURE });
    expect(splitToolCallId('call_plain')).toEqual({ id: 'call_plain', signature: null });
  });

  it('refuses what it cannot translate, without calling upstream', async () => {
    const refusals: [Partial<ChatParams>, string, string][] = [
      [{ logprobs: true }, 'unsupported', 'logprobs are not available through Gemini'],
      [
        {
          messages: [
            { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/pic' } }] },
          ],
        },
        'unsupported',
        'Gemini needs the type of a linked image: use a data: URL or a URL ending in .png, .jpg, .webp…',
      ],
      [
        {
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'tool', tool_call_id: 'nope', content: 'x' },
          ],
        },
        'bad_request',
        'the tool message for "nope" answers no tool call of an earlier assistant message',
      ],
    ];
    for (const [extra, kind, message] of refusals) {
      expect(await failureFrom(geminiAdapter.chat(target(), call(), ask(extra)))).toMatchObject({
        kind,
        message,
      });
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe('answers', () => {
  it('translates text, a function call with its signature, and usage with cached and thinking tokens', async () => {
    fake.script({
      text: ['Let me', ' look.'],
      toolCalls: [{ name: 'get_weather', arguments: ['{"city":"Oslo"}'], signature: SIGNATURE }],
      usage: { input: 30, output: 12, cacheRead: 70, thoughts: 5 },
      model: 'gemini-2.5-flash-002',
    });
    const result = await geminiAdapter.chat(target(), call(), ask());
    expect(result.usage).toEqual({
      inputTokens: 30,
      outputTokens: 17,
      cacheReadTokens: 70,
      cacheWriteTokens: 0,
    });
    const toolCall = result.completion.choices[0]?.message.tool_calls?.[0];
    expect(toolCall?.type === 'function' && splitToolCallId(toolCall.id).signature).toBe(SIGNATURE);
    expect(result.completion).toEqual({
      id: 'fakeResponse1',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gemini-2.5-flash-002',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me look.',
            refusal: null,
            tool_calls: [
              {
                id: toolCall?.id,
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 17,
        total_tokens: 117,
        prompt_tokens_details: { cached_tokens: 70, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 5 },
      },
    });
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['STOP', 'stop'],
    ['OTHER', 'stop'],
  ])('maps finishReason %s to %s', async (nativeFinish, finish) => {
    fake.script({ text: ['x'], nativeFinish });
    const { completion } = await geminiAdapter.chat(target(), call(), ask());
    expect(completion.choices[0]?.finish_reason).toBe(finish);
  });

  it('turns several candidates into several choices, and a blocked prompt into content_filter', () => {
    const two = completionFromGemini(
      {
        candidates: [
          {
            index: 0,
            content: { role: 'model', parts: [{ text: 'A' }, { text: 'hidden', thought: true }] },
            finishReason: 'STOP' as never,
          },
          {
            index: 1,
            content: { role: 'model', parts: [{ text: 'B' }] },
            finishReason: 'MAX_TOKENS' as never,
          },
        ],
        responseId: 'r1',
      } as never,
      'gemini-2.5-pro',
    );
    expect(two.completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
    const blocked = completionFromGemini(
      { promptFeedback: { blockReason: 'SAFETY' } } as never,
      'gemini-2.5-pro',
    );
    expect(blocked.completion.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null },
        finish_reason: 'content_filter',
        logprobs: null,
      },
    ]);
  });

  it('streams text chunks and a whole function call as OpenAI chunks', async () => {
    fake.script({
      text: ['Hel', 'lo', '!'],
      toolCalls: [{ id: 'fc_1', name: 'lookup', arguments: ['{"q":"cats"}'] }],
      usage: { input: 8, output: 6, cacheRead: 2 },
    });
    const stream = await geminiAdapter.chatStream(target(), call(), ask({ stream: true }));
    const chunks = await drain(stream);
    const choice = (delta: object, finish: string | null = null) => ({
      id: 'fakeResponse1',
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hel' }),
      choice({ content: 'lo' }),
      choice({ content: '!' }),
      choice({
        tool_calls: [{ index: 0, id: 'fc_1', type: 'function', function: { name: 'lookup', arguments: '' } }],
      }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"q":"cats"}' } }] }),
      choice({}, 'tool_calls'),
    ]);
    expect(stream.usage()).toEqual({
      inputTokens: 8,
      outputTokens: 6,
      cacheReadTokens: 2,
      cacheWriteTokens: 0,
    });
    const sent = fake.lastCall();
    expect([sent.method, sent.query.get('alt')]).toEqual(['streamGenerateContent', 'sse']);
  });
});

describe('long streams', () => {
  it('lets a stream that keeps flowing outlive the SDK timeout (only silence is bounded, by the call)', async () => {
    fake.script({ text: ['a', 'b', 'c', 'd', 'e'], eventGapMs: 250 });
    const stream = await geminiAdapter.chatStream(target(), controlledCall(100).call, ask({ stream: true }));
    const text = (await drain(stream)).map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('abcde');
    expect(fake.requests.at(-1)?.headers['x-server-timeout']).toBeUndefined();
  });
});

describe('failures', () => {
  it('turns a rejected key (400 API_KEY_INVALID) into auth, without the key the upstream echoed', async () => {
    const failure = await failureFrom(geminiAdapter.chat(target(wrongKey), call(), ask()));
    expect(failure).toMatchObject({ kind: 'auth', status: 400 });
    expect(failure.message).toMatch(/^400: API key not valid/);
    for (let i = 0; i + 8 <= wrongKey.length; i++)
      expect(failure.message).not.toContain(wrongKey.slice(i, i + 8));
  });

  it.each([
    [429, 'rate_limited', 37],
    [503, 'server', null],
    [500, 'server', null],
    [400, 'bad_request', null],
    [404, 'bad_request', null],
    [403, 'auth', null],
  ] as const)('turns status %i into %s', async (status, kind, retryAfter) => {
    fake.script({ error: { status, ...(retryAfter && { retryAfterSeconds: retryAfter }) } });
    expect(await failureFrom(geminiAdapter.chat(target(), call(), ask()))).toMatchObject({
      kind,
      status,
      retryAfterSeconds: retryAfter,
    });
  });

  it('reports an error status of a stream from chatStream itself', async () => {
    fake.script({ error: { status: 429, retryAfterSeconds: 2 } });
    expect(
      await failureFrom(geminiAdapter.chatStream(target(), call(), ask({ stream: true }))),
    ).toMatchObject({
      kind: 'rate_limited',
      retryAfterSeconds: 2,
    });
  });

  it('turns an unreachable upstream into connection, the deadline into timeout, a client abort into aborted', async () => {
    const unreachable = await failureFrom(
      geminiAdapter.chat(target(goodKey, `http://127.0.0.1:${await closedPort()}`), call(), ask()),
    );
    expect(unreachable.kind).toBe('connection');
    fake.script({ delayMs: 2_000 }, { delayMs: 2_000 });
    const outcome = await withDeadline(150, (c) => geminiAdapter.chat(target(), c, ask()));
    expect('error' in outcome && outcome.error).toMatchObject({ kind: 'timeout' });
    const { call: c, cancel } = controlledCall();
    setTimeout(cancel, 100);
    expect(await failureFrom(geminiAdapter.chat(target(), c, ask()))).toMatchObject({ kind: 'aborted' });
  });

  it('fails the chunks on an error chunk mid-stream, keeping the usage so far', async () => {
    fake.script({
      text: ['a', 'b'],
      usage: { input: 4, output: 2 },
      interrupt: { afterEvents: 1, then: { errorStatus: 503, message: 'overloaded' } },
    });
    const stream = await geminiAdapter.chatStream(target(), call(), ask({ stream: true }));
    expect(await failureFrom(drain(stream))).toMatchObject({
      kind: 'server',
      status: 503,
      message: '503: overloaded',
    });
    expect(stream.usage()).toEqual({
      inputTokens: 4,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it.each([
    ['cut', 'connection'],
    ['end', 'server'],
  ] as const)('fails the chunks when the stream is %s before the finish', async (then, kind) => {
    fake.script({ text: ['a', 'b'], interrupt: { afterEvents: 1, then } });
    const stream = await geminiAdapter.chatStream(target(), call(), ask({ stream: true }));
    expect(await failureFrom(drain(stream))).toMatchObject({ kind });
  });
});

describe('aborts', () => {
  it('aborts the upstream request when the consumer stops early', async () => {
    fake.script({ text: ['one', 'two', 'three'], interrupt: { afterEvents: 2, then: 'stall' } });
    const stream = await geminiAdapter.chatStream(target(), call(), ask({ stream: true }));
    for await (const chunk of stream.chunks) {
      if (chunk.choices[0]?.delta.content === 'one') break;
    }
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the connection closed');
    expect(fake.disconnects.count).toBe(1);
  });

  it('ends a stalled stream at the deadline as a timeout, closing the connection', async () => {
    fake.script({ text: ['one', 'two'], interrupt: { afterEvents: 1, then: 'stall' } });
    const { call: c, expire } = controlledCall(100);
    const stream = await geminiAdapter.chatStream(target(), c, ask({ stream: true }));
    setTimeout(expire, 100);
    expect(await failureFrom(drain(stream))).toMatchObject({ kind: 'timeout' });
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the connection closed');
    expect(fake.disconnects.count).toBe(1);
  });
});

describe('embeddings', () => {
  it('embeds several inputs in one batch request, with dimensions, as floats', async () => {
    const { response, usage } = await geminiAdapter.embeddings(target(), call(), {
      model: 'text-embedding-004',
      input: ['first text', 'second text'],
      dimensions: 4,
    });
    expect(fake.lastCall()).toMatchObject({
      model: 'text-embedding-004',
      method: 'batchEmbedContents',
      body: {
        requests: [
          {
            model: 'models/text-embedding-004',
            content: { role: 'user', parts: [{ text: 'first text' }] },
            outputDimensionality: 4,
          },
          {
            model: 'models/text-embedding-004',
            content: { role: 'user', parts: [{ text: 'second text' }] },
            outputDimensionality: 4,
          },
        ],
      },
    });
    expect(response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: fakeEmbedding('first text', 4) },
        { object: 'embedding', index: 1, embedding: fakeEmbedding('second text', 4) },
      ],
      model: 'text-embedding-004',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('encodes base64 as float32 little-endian, as OpenAI does', async () => {
    const { response } = await geminiAdapter.embeddings(target(), call(), {
      model: 'text-embedding-004',
      input: 'one',
      encoding_format: 'base64',
    });
    const encoded = response.data[0]?.embedding as unknown as string;
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(fakeEmbedding('one', GEMINI_DEFAULT_DIMENSIONS).map((v) => Math.fround(v)));
  });

  it('refuses token arrays and reports upstream failures', async () => {
    expect(
      await failureFrom(geminiAdapter.embeddings(target(), call(), { model: 'm', input: [[1, 2]] })),
    ).toMatchObject({
      kind: 'unsupported',
    });
    expect(
      await failureFrom(geminiAdapter.embeddings(target(wrongKey), call(), { model: 'm', input: 'x' })),
    ).toMatchObject({
      kind: 'auth',
    });
  });
});

describe('images', () => {
  it('generates Imagen images through :predict, n and size mapped', async () => {
    const { response, images, usage } = await geminiAdapter.images(target(), call(), {
      model: 'imagen-4.0-generate-001',
      prompt: 'a lighthouse',
      n: 2,
      size: '1792x1024',
      output_format: 'jpeg',
    });
    expect(fake.lastCall()).toMatchObject({
      model: 'imagen-4.0-generate-001',
      method: 'predict',
      body: {
        instances: [{ prompt: 'a lighthouse' }],
        parameters: { sampleCount: 2, aspectRatio: '16:9', outputOptions: { mimeType: 'image/jpeg' } },
      },
    });
    expect(fake.requests.at(-1)?.headers['x-goog-api-key']).toBe(goodKey);
    expect(images).toBe(2);
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(response).toEqual({
      created: expect.any(Number),
      data: [
        { b64_json: fakeImageBase64('a lighthouse', 0) },
        { b64_json: fakeImageBase64('a lighthouse', 1) },
      ],
      output_format: 'jpeg',
    });
  });

  it('generates with a Gemini image model through generateContent, one image per request', async () => {
    const data = fakeImageBase64('a cat', 0);
    fake.script({ images: [{ mimeType: 'image/png', data }], usage: { input: 7, output: 1290 } });
    const result = await geminiAdapter.images(target(), call(), {
      model: 'gemini-2.5-flash-image',
      prompt: 'a cat',
      size: '1024x1536',
    });
    expect(fake.lastCall().body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a cat' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '2:3' } },
    });
    expect(result.images).toBe(1);
    expect(result.usage).toEqual({
      inputTokens: 7,
      outputTokens: 1290,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(result.response.data).toEqual([{ b64_json: data }]);
    expect(
      await failureFrom(
        geminiAdapter.images(target(), call(), { model: 'gemini-2.5-flash-image', prompt: 'x', n: 2 }),
      ),
    ).toMatchObject({
      kind: 'unsupported',
    });
  });

  it('maps sizes to the nearest aspect ratio a model offers', () => {
    expect(aspectRatioFor('1024x1024', ['1:1', '16:9'])).toBe('1:1');
    expect(aspectRatioFor('1536x1024', ['1:1', '3:4', '4:3', '9:16', '16:9'])).toBe('4:3');
    expect(aspectRatioFor('auto', ['1:1'])).toBeNull();
    expect(aspectRatioFor(undefined, ['1:1'])).toBeNull();
  });

  it('reports Imagen failures with their kind', async () => {
    fake.fault = { type: 'status', status: 429 };
    expect(
      await failureFrom(
        geminiAdapter.images(target(), call(), { model: 'imagen-4.0-generate-001', prompt: 'x' }),
      ),
    ).toMatchObject({
      kind: 'rate_limited',
      status: 429,
    });
    fake.fault = null;
    expect(
      await failureFrom(
        geminiAdapter.images(target(wrongKey), call(), { model: 'imagen-4.0-generate-001', prompt: 'x' }),
      ),
    ).toMatchObject({ kind: 'auth', status: 400 });
  });
});
