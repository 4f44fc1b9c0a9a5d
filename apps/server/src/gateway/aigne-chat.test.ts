import { describe, expect, it } from 'vitest';
import { NO_USAGE, type ChatCompletion, type ChatCompletionChunk } from './adapters/types';
import {
  aigneChatBody,
  aigneChatOutput,
  AigneDeltaStream,
  aigneUsage,
  chatParamsFromAigne,
  parseJsonOutput,
  requestedModel,
} from './aigne-chat';
import { GatewayError } from './errors';
import type { CallSummary } from './service';

const summary: CallSummary = {
  model: 'openai/gpt-4o-mini',
  usage: { inputTokens: 8, outputTokens: 5, cacheReadTokens: 3, cacheWriteTokens: 0 },
  credits: 0.0123,
};

function completion(message: Partial<ChatCompletion['choices'][number]['message']>): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        logprobs: null,
        message: { role: 'assistant', content: null, refusal: null, ...message },
      },
    ],
  };
}

function chunk(delta: ChatCompletionChunk['choices'][number]['delta']): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'openai/gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: null }],
  };
}

/** What the gateway threw, for asserting on its status, code and param. */
function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const input = (value: unknown) => aigneChatBody.parse({ input: value }).input;

describe('chatParamsFromAigne', () => {
  it('translates every kind of message, tools, the response format and model options', () => {
    const params = chatParamsFromAigne(
      input({
        messages: [
          {
            role: 'system',
            content: [
              { type: 'text', text: 'Be ' },
              { type: 'text', text: 'brief.' },
            ],
          },
          {
            role: 'user',
            name: 'ann',
            content: [
              { type: 'text', text: 'see' },
              { type: 'url', url: 'https://example.com/cat.png' },
              { type: 'file', data: 'AAAA', mimeType: 'image/jpeg' },
              { type: 'file', data: 'JVBERi0=', mimeType: 'application/pdf', filename: 'a.pdf' },
            ],
          },
          {
            role: 'agent',
            content: null,
            toolCalls: [
              { id: 'c1', type: 'function', function: { name: 'lookup', arguments: { q: 'cats' } } },
              { id: 'c2', type: 'function', function: { name: 'lookup', arguments: '{"q":"dogs"}' } },
            ],
          },
          { role: 'tool', toolCallId: 'c1', content: '3 cats' },
          { role: 'agent', content: 'Done.' },
        ],
        tools: [
          {
            type: 'function',
            function: { name: 'lookup', description: 'Search', parameters: { type: 'object' } },
          },
          { type: 'function', function: { name: 'noop' } },
        ],
        toolChoice: { type: 'function', function: { name: 'lookup', parameters: {} } },
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'out', schema: { type: 'object' }, strict: true },
        },
        modelOptions: {
          model: 'ignored/here',
          temperature: 0.3,
          topP: 0.9,
          frequencyPenalty: 0.1,
          presencePenalty: null,
          parallelToolCalls: false,
          reasoningEffort: 'high',
          maxTokens: 256,
          cacheConfig: { autoBreakpoints: { lastMessage: true } },
        },
      }),
      'openai/gpt-4o',
    );
    expect(params).toEqual({
      model: 'openai/gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'see' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } },
            { id: 'c2', type: 'function', function: { name: 'lookup', arguments: '{"q":"dogs"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '3 cats' },
        { role: 'assistant', content: 'Done.' },
      ],
      temperature: 0.3,
      top_p: 0.9,
      frequency_penalty: 0.1,
      max_tokens: 256,
      reasoning_effort: 'high',
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', description: 'Search', parameters: { type: 'object' } },
        },
        { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it('sends only the messages for a plain prompt (no tool options without tools)', () => {
    expect(
      chatParamsFromAigne(
        input({
          messages: [{ role: 'user', content: 'hi' }],
          toolChoice: 'required',
          modelOptions: { parallelToolCalls: true },
        }),
        'm',
      ),
    ).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it.each([
    [0, undefined],
    [1024, 'low'],
    [4096, 'medium'],
    [32_000, 'high'],
    ['minimal', 'minimal'],
    ['extreme', undefined],
  ])('maps reasoning effort %j to %j', (effort, expected) => {
    const params = chatParamsFromAigne(
      input({ messages: [{ role: 'user', content: 'x' }], modelOptions: { reasoningEffort: effort } }),
      'm',
    );
    expect((params as { reasoning_effort?: string }).reasoning_effort).toBe(expected);
  });

  it('refuses a local file, a file outside a user message, and a tool result without its call id', () => {
    const local = thrown(() =>
      chatParamsFromAigne(
        input({ messages: [{ role: 'user', content: [{ type: 'local', path: '/etc/passwd' }] }] }),
        'm',
      ),
    );
    expect(local).toMatchObject({
      status: 400,
      code: 'unsupported_content',
      param: 'input.messages.0.content.0',
    });
    const system = thrown(() =>
      chatParamsFromAigne(
        input({ messages: [{ role: 'system', content: [{ type: 'url', url: 'https://x/y.png' }] }] }),
        'm',
      ),
    );
    expect(system).toMatchObject({ status: 400, code: 'unsupported_content' });
    expect(system.message).toBe('input.messages.0.content.0: only user messages may carry files or images');
    const tool = thrown(() =>
      chatParamsFromAigne(input({ messages: [{ role: 'tool', content: 'x' }] }), 'm'),
    );
    expect(tool).toMatchObject({ status: 400, message: 'input.messages.0.toolCallId is required' });
  });
});

describe('aigneChatBody', () => {
  it('accepts what the transport client sends, and refuses unknown roles', () => {
    const body = aigneChatBody.parse({
      input: {
        messages: [{ role: 'user', content: 'x', toolCalls: null }],
        modelOptions: { model: 'openai/gpt-4o-mini', cacheConfig: {} },
        outputFileType: 'url',
      },
      agent: '$CHAT_MODEL',
      options: { streaming: true, userContext: {}, memories: [] },
    });
    expect(body.options?.streaming).toBe(true);
    expect(
      aigneChatBody.safeParse({ input: { messages: [{ role: 'assistant', content: 'x' }] } }).success,
    ).toBe(false);
    expect(aigneChatBody.safeParse({ input: { messages: [] } }).success).toBe(false);
  });
});

describe('requestedModel', () => {
  it('takes modelOptions.model, else the body model of older clients, else refuses', () => {
    expect(requestedModel({ input: { modelOptions: { model: ' openai/x ' } }, model: 'b/y' })).toBe(
      'openai/x',
    );
    expect(requestedModel({ input: {}, model: 'b/y' })).toBe('b/y');
    expect(thrown(() => requestedModel({ input: { modelOptions: { model: '' } } }))).toMatchObject({
      status: 400,
      code: 'invalid_model',
      param: 'input.modelOptions.model',
    });
  });
});

describe('aigneUsage', () => {
  it('counts cached tokens as input and shows cache use apart; credits only when given', () => {
    expect(
      aigneUsage({ inputTokens: 10, outputTokens: 4, cacheReadTokens: 6, cacheWriteTokens: 2 }, 0.5),
    ).toEqual({
      inputTokens: 18,
      outputTokens: 4,
      cacheReadInputTokens: 6,
      cacheCreationInputTokens: 2,
      aigneHubCredits: 0.5,
    });
    expect(aigneUsage(NO_USAGE, null)).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('aigneChatOutput', () => {
  const off = { jsonMode: false, billing: false };

  it('text, usage and the serving model', () => {
    expect(aigneChatOutput(completion({ content: 'Hello' }), summary, off)).toEqual({
      text: 'Hello',
      usage: { inputTokens: 11, outputTokens: 5, cacheReadInputTokens: 3 },
      model: 'openai/gpt-4o-mini',
    });
  });

  it('tool calls with parsed arguments (broken arguments become {})', () => {
    const output = aigneChatOutput(
      completion({
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
          { id: 'b', type: 'function', function: { name: 'g', arguments: '{"x":' } },
        ],
      }),
      summary,
      { jsonMode: true, billing: true },
    );
    expect(output).toEqual({
      toolCalls: [
        { id: 'a', type: 'function', function: { name: 'f', arguments: { x: 1 } } },
        { id: 'b', type: 'function', function: { name: 'g', arguments: {} } },
      ],
      usage: { inputTokens: 11, outputTokens: 5, cacheReadInputTokens: 3, aigneHubCredits: 0.0123 },
      model: 'openai/gpt-4o-mini',
    });
  });

  it('in JSON mode, the parsed object replaces the text; text that is not JSON stays text', () => {
    const json = { jsonMode: true, billing: false };
    expect(aigneChatOutput(completion({ content: '{"a":[1]}' }), summary, json)).toMatchObject({
      json: { a: [1] },
    });
    expect(aigneChatOutput(completion({ content: '{"a":[1]}' }), summary, json)).not.toHaveProperty('text');
    expect(aigneChatOutput(completion({ content: 'sorry, no' }), summary, json)).toMatchObject({
      text: 'sorry, no',
    });
    expect(aigneChatOutput(completion({ content: 'sorry, no' }), summary, json)).not.toHaveProperty('json');
  });

  it('a refusal as text, and reasoning as thoughts', () => {
    const reply = { refusal: 'I cannot help with that', reasoning_content: 'policy' } as Parameters<
      typeof completion
    >[0];
    expect(aigneChatOutput(completion(reply), summary, off)).toMatchObject({
      text: 'I cannot help with that',
      thoughts: 'policy',
    });
  });
});

describe('parseJsonOutput', () => {
  it('reads bare JSON and JSON in a Markdown fence', () => {
    expect(parseJsonOutput('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonOutput('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(parseJsonOutput('```\n{"a":1}```\n')).toEqual({ a: 1 });
    expect(parseJsonOutput('Here: {"a":1}')).toBeNull();
  });
});

describe('AigneDeltaStream', () => {
  it('names the model first, streams text and thoughts, and ends with tool calls, usage and model', () => {
    const stream = new AigneDeltaStream({ jsonMode: false, billing: true });
    const events = [
      ...stream.start('openai/gpt-4o-mini'),
      ...stream.push(chunk({ role: 'assistant', content: '' })),
      ...stream.push(chunk({ reasoning_content: 'hmm' } as ChatCompletionChunk['choices'][number]['delta'])),
      ...stream.push(chunk({ content: 'Hel' })),
      ...stream.push(chunk({ content: 'lo' })),
      ...stream.push(
        chunk({
          tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } }],
        }),
      ),
      ...stream.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"k":"v"}' } }] })),
      ...stream.finish(summary),
    ];
    expect(events).toEqual([
      { delta: { json: { model: 'openai/gpt-4o-mini' } } },
      { delta: { text: { thoughts: 'hmm' } } },
      { delta: { text: { text: 'Hel' } } },
      { delta: { text: { text: 'lo' } } },
      {
        delta: {
          json: {
            toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { k: 'v' } } }],
            usage: { inputTokens: 11, outputTokens: 5, cacheReadInputTokens: 3, aigneHubCredits: 0.0123 },
            model: 'openai/gpt-4o-mini',
          },
        },
      },
    ]);
  });

  it('in JSON mode holds the text back and sends the parsed object at the end', () => {
    const stream = new AigneDeltaStream({ jsonMode: true, billing: false });
    expect(stream.push(chunk({ content: '{"a":' }))).toEqual([]);
    expect(stream.push(chunk({ content: '2}' }))).toEqual([]);
    expect(stream.finish(summary)).toEqual([
      {
        delta: {
          json: {
            json: { a: 2 },
            usage: { inputTokens: 11, outputTokens: 5, cacheReadInputTokens: 3 },
            model: 'openai/gpt-4o-mini',
          },
        },
      },
    ]);
  });

  it('in JSON mode passes text that is not JSON on as text, so the caller sees what came', () => {
    const stream = new AigneDeltaStream({ jsonMode: true, billing: false });
    stream.push(chunk({ content: 'no JSON today' }));
    const [text, end] = stream.finish(summary);
    expect(text).toEqual({ delta: { text: { text: 'no JSON today' } } });
    expect(end?.delta.json).not.toHaveProperty('json');
  });

  it('ignores choices other than the first', () => {
    const stream = new AigneDeltaStream({ jsonMode: false, billing: false });
    const other = chunk({ content: 'second choice' });
    other.choices[0]!.index = 1;
    expect(stream.push(other)).toEqual([]);
  });
});
