// The Bedrock adapter through the real AWS SDK runtime client (HTTP/2, SigV4) against the fake Bedrock
// (real binary event streams, every request's signature verified): exact Converse bodies from OpenAI params,
// exact OpenAI answers, every failure kind, aborts, Titan embeddings and Titan / Nova Canvas images.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBedrock, signedWith } from '../../../test/fakes/bedrock';
import { fakeEmbedding, fakeImageBase64 } from '../../../test/fakes/chat-script';
import { bedrockRuntimeEndpoint } from '../../providers/wire/bedrock';
import { withDeadline, type UpstreamTarget } from '../../providers/upstream';
import { bedrockAdapter } from './bedrock';
import { documentName } from './bedrock-request';
import { JSON_OBJECT_INSTRUCTION } from './sdk-conversation';
import { closedPort, controlledCall, drain, failureFrom, within } from './sdk-testing';
import type { ChatParams } from './types';

const REGION = 'eu-central-1';
const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
const secretAccessKey = `${randomBytes(15).toString('base64')}/${randomBytes(6).toString('hex')}+Zq`;
const REQUEST_ID = '11111111-2222-4333-8444-555555555555';
const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
let fake: FakeBedrock;

beforeAll(async () => {
  fake = await FakeBedrock.start({ region: REGION, keyPairs: new Map([[accessKeyId, secretAccessKey]]) });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const target = (secret = secretAccessKey, baseUrl = fake.baseUrl, keyId = accessKeyId): UpstreamTarget => ({
  kind: 'bedrock',
  baseUrl,
  region: REGION,
  secret: { type: 'access_key_pair', accessKeyId: keyId, secretAccessKey: secret },
});
const call = () => controlledCall().call;
const ask = (extra: Partial<ChatParams> = {}): ChatParams => ({
  model: CLAUDE,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});
const b64 = (text: string) => Buffer.from(text).toString('base64');

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const ANSWER_SCHEMA = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] };

describe('the runtime endpoint', () => {
  it('is AWS runtime host for AWS control-plane URLs, and any other URL as it is', () => {
    expect(bedrockRuntimeEndpoint('https://bedrock.us-east-1.amazonaws.com')).toBe(
      'https://bedrock-runtime.us-east-1.amazonaws.com',
    );
    expect(bedrockRuntimeEndpoint('https://bedrock-fips.us-east-1.amazonaws.com')).toBe(
      'https://bedrock-runtime-fips.us-east-1.amazonaws.com',
    );
    expect(bedrockRuntimeEndpoint('https://proxy.example.com/aws/')).toBe('https://proxy.example.com/aws');
    expect(bedrockRuntimeEndpoint('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });
});

describe('request translation', () => {
  it('translates system, images, documents, tool calls, tool results, tools and options exactly', async () => {
    await bedrockAdapter.chat(target(), call(), {
      model: CLAUDE,
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'You are terse.', prompt_cache_breakpoint: { mode: 'explicit' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Read these.' },
            { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${b64('jpeg bytes')}` } },
            {
              type: 'file',
              file: { file_data: `data:application/pdf;base64,${b64('%PDF')}`, filename: 'Q3 report.v2.pdf' },
            },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'tooluse_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: '18°C' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: WEATHER_SCHEMA },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 200,
      temperature: 0.4,
      top_p: 0.7,
      stop: ['END'],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', description: 'The answer', schema: ANSWER_SCHEMA },
      },
      // No Converse equivalent: not sent.
      user: 'user-42',
      seed: 3,
    });
    const sent = fake.lastRuntimeCall();
    expect([sent.modelId, sent.operation]).toEqual([CLAUDE, 'converse']);
    expect(signedWith(sent.request, accessKeyId)).toBe(true);
    expect(sent.body).toEqual({
      messages: [
        {
          role: 'user',
          content: [
            { text: 'Read these.' },
            { image: { format: 'jpeg', source: { bytes: b64('jpeg bytes') } } },
            { document: { format: 'pdf', name: 'Q3 report v2', source: { bytes: b64('%PDF') } } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { text: 'Checking.' },
            { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          ],
        },
        { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18°C' }] } }] },
      ],
      system: [{ text: 'You are terse.' }, { cachePoint: { type: 'default' } }],
      inferenceConfig: { maxTokens: 200, temperature: 0.4, topP: 0.7, stopSequences: ['END'] },
      toolConfig: {
        tools: [
          {
            toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: WEATHER_SCHEMA } },
          },
        ],
        toolChoice: { tool: { name: 'get_weather' } },
      },
      outputConfig: {
        textFormat: {
          type: 'json_schema',
          structure: {
            jsonSchema: { schema: JSON.stringify(ANSWER_SCHEMA), name: 'answer', description: 'The answer' },
          },
        },
      },
    });
  });

  it('leaves the tools out for tool_choice none, and asks for JSON objects through the system prompt', async () => {
    await bedrockAdapter.chat(
      target(),
      call(),
      ask({
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: 'none',
        response_format: { type: 'json_object' },
      }),
    );
    expect(fake.lastRuntimeCall().body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      system: [{ text: JSON_OBJECT_INSTRUCTION }],
    });
  });

  it('refuses what Converse cannot take, without calling upstream', async () => {
    const history: ChatParams['messages'] = [
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'ok' },
    ];
    const refusals: [Partial<ChatParams>, string][] = [
      [{ n: 2 }, 'Bedrock returns one choice per request: n must be 1'],
      [
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
            },
          ],
        },
        'Bedrock takes images as bytes, not links: send the image as a base64 data: URL',
      ],
      [
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'mp3' } }],
            },
          ],
        },
        'audio input is not supported by Bedrock Converse',
      ],
      [
        { messages: history, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none' },
        'Bedrock cannot forbid tool use once the conversation holds tool calls (tool_choice "none")',
      ],
    ];
    for (const [extra, message] of refusals) {
      expect(await failureFrom(bedrockAdapter.chat(target(), call(), ask(extra)))).toMatchObject({
        kind: 'unsupported',
        message,
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('names documents the way Converse accepts', () => {
    expect(documentName('Q3 report.v2.pdf', 0)).toBe('Q3 report v2');
    expect(documentName('notes_(draft)!.txt', 0)).toBe('notes (draft)');
    expect(documentName(null, 2)).toBe('document 3');
  });
});

describe('answers', () => {
  it('translates text, a tool call and usage with cache reads and writes', async () => {
    fake.script({
      text: ['Let me', ' check.'],
      toolCalls: [{ id: 'tooluse_7', name: 'get_weather', arguments: ['{"city":"Rome"}'] }],
      usage: { input: 11, output: 22, cacheRead: 300, cacheWrite: 40 },
    });
    const result = await bedrockAdapter.chat(target(), call(), ask());
    expect(result.usage).toEqual({
      inputTokens: 11,
      outputTokens: 22,
      cacheReadTokens: 300,
      cacheWriteTokens: 40,
    });
    expect(result.completion).toEqual({
      id: `chatcmpl-${REQUEST_ID}`,
      object: 'chat.completion',
      created: expect.any(Number),
      model: CLAUDE,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            refusal: null,
            tool_calls: [
              {
                id: 'tooluse_7',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 351,
        completion_tokens: 22,
        total_tokens: 373,
        prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 40 },
      },
    });
  });

  it.each([
    ['max_tokens', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['stop_sequence', 'stop'],
    ['end_turn', 'stop'],
  ])('maps stopReason %s to %s', async (nativeFinish, finish) => {
    fake.script({ text: ['x'], nativeFinish });
    const { completion } = await bedrockAdapter.chat(target(), call(), ask());
    expect(completion.choices[0]?.finish_reason).toBe(finish);
  });

  it('streams text deltas and a tool call with streamed arguments as OpenAI chunks', async () => {
    fake.script({
      text: ['Hel', 'lo'],
      toolCalls: [
        { id: 'tooluse_a', name: 'lookup', arguments: ['{"q":', '"cats"}'] },
        { id: 'tooluse_b', name: 'now', arguments: [] },
      ],
      usage: { input: 5, output: 9, cacheRead: 1 },
    });
    const stream = await bedrockAdapter.chatStream(target(), call(), ask({ stream: true }));
    const chunks = await drain(stream);
    const choice = (delta: object, finish: string | null = null) => ({
      id: `chatcmpl-${REQUEST_ID}`,
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: CLAUDE,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hel' }),
      choice({ content: 'lo' }),
      choice({
        tool_calls: [
          { index: 0, id: 'tooluse_a', type: 'function', function: { name: 'lookup', arguments: '' } },
        ],
      }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '"cats"}' } }] }),
      choice({
        tool_calls: [
          { index: 1, id: 'tooluse_b', type: 'function', function: { name: 'now', arguments: '' } },
        ],
      }),
      choice({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
      choice({}, 'tool_calls'),
    ]);
    expect(stream.usage()).toEqual({
      inputTokens: 5,
      outputTokens: 9,
      cacheReadTokens: 1,
      cacheWriteTokens: 0,
    });
    expect(fake.lastRuntimeCall().operation).toBe('converse-stream');
  });
});

describe('long streams', () => {
  it('lets a stream that keeps flowing outlive the SDK timeout (only silence is bounded, by the call)', async () => {
    fake.script({ text: ['a', 'b', 'c', 'd', 'e'], eventGapMs: 170 });
    const stream = await bedrockAdapter.chatStream(target(), controlledCall(100).call, ask({ stream: true }));
    const text = (await drain(stream)).map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('abcde');
  });
});

describe('failures', () => {
  it('turns a wrong secret or an unknown key into auth, with no secret in the message', async () => {
    const wrongSecret = await failureFrom(bedrockAdapter.chat(target(`${secretAccessKey}x`), call(), ask()));
    expect(wrongSecret).toMatchObject({ kind: 'auth', status: 403 });
    expect(wrongSecret.message).toMatch(
      /^403: InvalidSignatureException: The request signature we calculated/,
    );
    const unknown = await failureFrom(
      bedrockAdapter.chat(target(secretAccessKey, fake.baseUrl, 'AKIAUNKNOWN0000000'), call(), ask()),
    );
    expect(unknown).toMatchObject({ kind: 'auth', status: 403 });
    for (const failure of [wrongSecret, unknown]) {
      for (let i = 0; i + 8 <= secretAccessKey.length; i++)
        expect(failure.message).not.toContain(secretAccessKey.slice(i, i + 8));
    }
  });

  it('signs with the stored key even when the environment holds a Bedrock bearer token', async () => {
    process.env.AWS_BEARER_TOKEN_BEDROCK = 'ambient-token-that-must-not-be-used';
    try {
      await bedrockAdapter.chat(target(), call(), ask());
      expect(signedWith(fake.requests.at(-1)!, accessKeyId)).toBe(true);
    } finally {
      delete process.env.AWS_BEARER_TOKEN_BEDROCK;
    }
  });

  it.each([
    [429, 'rate_limited'],
    [503, 'server'],
    [500, 'server'],
    [424, 'server'],
    [408, 'timeout'],
    [400, 'bad_request'],
    [404, 'bad_request'],
  ] as const)('turns status %i into %s', async (status, kind) => {
    fake.script({ error: { status } });
    expect(await failureFrom(bedrockAdapter.chat(target(), call(), ask()))).toMatchObject({ kind, status });
  });

  it('reports an error status of a stream from chatStream itself, with Retry-After', async () => {
    fake.script({ error: { status: 429, retryAfterSeconds: 4 } });
    expect(
      await failureFrom(bedrockAdapter.chatStream(target(), call(), ask({ stream: true }))),
    ).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterSeconds: 4,
    });
  });

  it('turns an unreachable upstream into connection, the deadline into timeout, a client abort into aborted', async () => {
    const unreachable = await failureFrom(
      bedrockAdapter.chat(target(secretAccessKey, `http://127.0.0.1:${await closedPort()}`), call(), ask()),
    );
    expect(unreachable.kind).toBe('connection');
    fake.script({ delayMs: 2_000 }, { delayMs: 2_000 });
    const outcome = await withDeadline(150, (c) => bedrockAdapter.chat(target(), c, ask()));
    expect('error' in outcome && outcome.error).toMatchObject({ kind: 'timeout' });
    const { call: c, cancel } = controlledCall();
    setTimeout(cancel, 100);
    expect(await failureFrom(bedrockAdapter.chat(target(), c, ask()))).toMatchObject({ kind: 'aborted' });
  });

  it.each([
    [429, 'rate_limited'],
    [503, 'server'],
    [424, 'server'],
  ] as const)('fails the chunks on a %i exception event mid-stream', async (errorStatus, kind) => {
    fake.script({
      text: ['a', 'b'],
      interrupt: { afterEvents: 2, then: { errorStatus, message: 'scripted' } },
    });
    const stream = await bedrockAdapter.chatStream(target(), call(), ask({ stream: true }));
    expect(await failureFrom(drain(stream))).toMatchObject({ kind, status: errorStatus });
  });

  it.each([
    ['cut', ['connection', 'server']],
    ['end', ['server']],
  ] as const)('fails the chunks when the stream is %s before messageStop', async (then, kinds) => {
    fake.script({ text: ['a', 'b'], interrupt: { afterEvents: 2, then } });
    const stream = await bedrockAdapter.chatStream(target(), call(), ask({ stream: true }));
    expect(kinds).toContain((await failureFrom(drain(stream))).kind);
  });
});

describe('aborts', () => {
  it('aborts the upstream request when the consumer stops early', async () => {
    fake.script({ text: ['one', 'two', 'three'], interrupt: { afterEvents: 2, then: 'stall' } });
    const stream = await bedrockAdapter.chatStream(target(), call(), ask({ stream: true }));
    for await (const chunk of stream.chunks) {
      if (chunk.choices[0]?.delta.content === 'one') break;
    }
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the stream closed');
    expect(fake.disconnects.count).toBe(1);
  });

  it('aborts the upstream request when the caller aborts mid-stream', async () => {
    fake.script({ text: ['one', 'two'], interrupt: { afterEvents: 2, then: 'stall' } });
    const { call: c, cancel } = controlledCall();
    const stream = await bedrockAdapter.chatStream(target(), c, ask({ stream: true }));
    setTimeout(cancel, 50);
    expect(await failureFrom(drain(stream))).toMatchObject({ kind: 'aborted' });
    await within(fake.disconnects.next(0), 2_000, 'the fake seeing the stream closed');
    expect(fake.disconnects.count).toBe(1);
  });
});

describe('embeddings (Titan)', () => {
  it('embeds each input with its own InvokeModel call, in order, summing the tokens', async () => {
    const inputs = ['alpha beta', 'gamma', 'delta epsilon zeta', 'eta', 'theta iota'];
    const { response, usage } = await bedrockAdapter.embeddings(target(), call(), {
      model: 'amazon.titan-embed-text-v2:0',
      input: inputs,
      dimensions: 256,
    });
    const invokes = fake.requests.filter((r) => r.path.endsWith('/invoke'));
    expect(invokes).toHaveLength(5);
    expect(
      invokes
        .map((r) => JSON.parse(r.body.toString()) as unknown)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      inputs
        .map((inputText) => ({ inputText, dimensions: 256 }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    expect(invokes.every((r) => r.path === '/model/amazon.titan-embed-text-v2%3A0/invoke')).toBe(true);
    expect(response).toEqual({
      object: 'list',
      data: inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fakeEmbedding(text, 256),
      })),
      model: 'amazon.titan-embed-text-v2:0',
      usage: { prompt_tokens: 9, total_tokens: 9 },
    });
    expect(usage).toEqual({ inputTokens: 9, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('refuses other embedding models, dimensions on v1 and token arrays; reports failures', async () => {
    const refused = [
      { model: 'cohere.embed-english-v3', input: 'x' },
      { model: 'amazon.titan-embed-text-v1', input: 'x', dimensions: 256 },
      { model: 'amazon.titan-embed-text-v2:0', input: [[1, 2, 3]] },
    ];
    for (const params of refused) {
      expect(await failureFrom(bedrockAdapter.embeddings(target(), call(), params))).toMatchObject({
        kind: 'unsupported',
      });
    }
    fake.fault = { type: 'status', status: 429 };
    expect(
      await failureFrom(
        bedrockAdapter.embeddings(target(), call(), {
          model: 'amazon.titan-embed-text-v2:0',
          input: ['a', 'b'],
        }),
      ),
    ).toMatchObject({ kind: 'rate_limited', status: 429 });
  });
});

describe('images (Titan / Nova Canvas)', () => {
  it('generates images through InvokeModel with n, size and quality mapped', async () => {
    const { response, images, usage } = await bedrockAdapter.images(target(), call(), {
      model: 'amazon.nova-canvas-v1:0',
      prompt: 'a red bicycle',
      n: 2,
      size: '1024x1024',
      quality: 'hd',
      response_format: 'b64_json',
    });
    expect(fake.lastRuntimeCall()).toMatchObject({
      modelId: 'amazon.nova-canvas-v1:0',
      operation: 'invoke',
      body: {
        taskType: 'TEXT_IMAGE',
        textToImageParams: { text: 'a red bicycle' },
        imageGenerationConfig: { numberOfImages: 2, width: 1024, height: 1024, quality: 'premium' },
      },
    });
    expect(images).toBe(2);
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(response).toEqual({
      created: expect.any(Number),
      data: [
        { b64_json: fakeImageBase64('a red bicycle', 0) },
        { b64_json: fakeImageBase64('a red bicycle', 1) },
      ],
      output_format: 'png',
    });
  });

  it('refuses other image models and formats they do not write', async () => {
    expect(
      await failureFrom(
        bedrockAdapter.images(target(), call(), { model: 'stability.sd3-large-v1:0', prompt: 'x' }),
      ),
    ).toMatchObject({
      kind: 'unsupported',
    });
    expect(
      await failureFrom(
        bedrockAdapter.images(target(), call(), {
          model: 'amazon.titan-image-generator-v2:0',
          prompt: 'x',
          output_format: 'webp',
        }),
      ),
    ).toMatchObject({ kind: 'unsupported' });
  });
});

afterEach(() => {
  fake.fault = null;
});
