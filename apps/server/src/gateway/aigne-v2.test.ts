import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from './adapters/types';
import { chatParamsFromV2, v2ChatBody, v2ChatResponse, V2DeltaStream, v2Usage } from './aigne-v2';
import type { CallSummary } from './service';

const summary: CallSummary = {
  model: 'openai/gpt-4o-mini',
  usage: { inputTokens: 9, outputTokens: 4, cacheReadTokens: 1, cacheWriteTokens: 0 },
  credits: 0.02,
};

function chunk(delta: ChatCompletionChunk['choices'][number]['delta']): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'openai/gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: null }],
  };
}

describe('v2ChatBody', () => {
  it('wants exactly one of messages and prompt', () => {
    const issue = (body: unknown) => {
      const parsed = v2ChatBody.safeParse(body);
      return parsed.success ? null : parsed.error.issues[0]?.message;
    };
    expect(issue({ model: 'm' })).toBe('send either messages or prompt (exactly one of them)');
    expect(issue({ model: 'm', prompt: 'x', messages: [{ role: 'user', content: 'x' }] })).toBe(
      'send either messages or prompt (exactly one of them)',
    );
    expect(issue({ model: 'm', prompt: 'x' })).toBeNull();
  });

  it('wants a URL in an image part, and a toolCallId in a tool message', () => {
    expect(
      v2ChatBody.safeParse({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] })
        .success,
    ).toBe(false);
    expect(v2ChatBody.safeParse({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }).success).toBe(
      false,
    );
  });
});

describe('chatParamsFromV2', () => {
  it('translates camelCase to OpenAI parameters', () => {
    const body = v2ChatBody.parse({
      model: 'openai/gpt-4o',
      messages: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', imageUrl: { url: 'https://x/a.png' } },
            { type: 'image_url', image_url: { url: 'https://x/b.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', toolCallId: 'c1', content: 'ok' },
      ],
      temperature: 0,
      topP: 0.5,
      presencePenalty: 1,
      frequencyPenalty: -1,
      maxTokens: 20,
      tools: [
        { type: 'function', function: { name: 'f', description: 'F', parameters: { type: 'object' } } },
      ],
      toolChoice: 'required',
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'o', schema: { type: 'object' } } },
      stream: true,
    });
    expect(chatParamsFromV2(body)).toEqual({
      model: 'openai/gpt-4o',
      messages: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'https://x/a.png' } },
            { type: 'image_url', image_url: { url: 'https://x/b.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      temperature: 0,
      top_p: 0.5,
      presence_penalty: 1,
      frequency_penalty: -1,
      max_tokens: 20,
      tools: [
        { type: 'function', function: { name: 'f', description: 'F', parameters: { type: 'object' } } },
      ],
      tool_choice: 'required',
      response_format: { type: 'json_schema', json_schema: { name: 'o', schema: { type: 'object' } } },
    });
  });

  it('turns a prompt into one user message, and json_object through', () => {
    const body = v2ChatBody.parse({ model: 'm', prompt: 'hi', responseFormat: { type: 'json_object' } });
    expect(chatParamsFromV2(body)).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_object' },
    });
  });
});

describe('v2 answers', () => {
  it('JSON: role, the text twice, tool calls with string arguments, model and usage', () => {
    const completion: ChatCompletion = {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
        },
      ],
    };
    expect(v2ChatResponse(completion, summary, true)).toEqual({
      role: 'assistant',
      text: '',
      content: '',
      toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      model: 'openai/gpt-4o-mini',
      usage: { promptTokens: 10, completionTokens: 4, totalTokens: 14, aigneHubCredits: 0.02 },
    });
  });

  it('usage without billing carries no credits', () => {
    expect(v2Usage(summary.usage, null)).toEqual({ promptTokens: 10, completionTokens: 4, totalTokens: 14 });
  });

  it('SSE: content deltas (role on the first), whole tool calls at the end, then usage', () => {
    const stream = new V2DeltaStream(false);
    const events = [
      ...stream.push(chunk({ role: 'assistant', content: '' })),
      ...stream.push(chunk({ content: 'a' })),
      ...stream.push(chunk({ content: 'b' })),
      ...stream.push(
        chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"x"' } }] }),
      ),
      ...stream.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ':2}' } }] })),
      ...stream.finish(summary),
    ];
    expect(events).toEqual([
      { delta: { role: 'assistant', content: 'a' } },
      { delta: { content: 'b' } },
      {
        delta: { toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":2}' } }] },
      },
      { usage: { promptTokens: 10, completionTokens: 4, totalTokens: 14 } },
    ]);
  });

  it('SSE of tool calls alone says the role with them', () => {
    const stream = new V2DeltaStream(true);
    stream.push(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }));
    expect(stream.finish(summary)[0]).toEqual({
      delta: {
        role: 'assistant',
        toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    });
  });
});
