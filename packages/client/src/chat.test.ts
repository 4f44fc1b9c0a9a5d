import { describe, expect, it } from 'vitest';
import { chatBody, chatResult, usageOf, type ChatRequest } from './chat';
import { HubClientError } from './errors';

describe('chatBody', () => {
  it('writes every field in the OpenAI wire format', () => {
    const request: ChatRequest = {
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'call_1', name: 'look', arguments: '{"x":1}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
      ],
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 100,
      stop: ['\n\n'],
      seed: 7,
      tools: [{ name: 'look', description: 'Looks', parameters: { type: 'object' }, strict: true }],
      toolChoice: { name: 'look' },
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      extraBody: { reasoning_effort: 'low', model: 'ignored', stream: true },
    };
    expect(chatBody(request, false)).toEqual({
      reasoning_effort: 'low',
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      stop: ['\n\n'],
      seed: 7,
      tools: [
        {
          type: 'function',
          function: { name: 'look', description: 'Looks', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'look' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it('asks for a stream with a usage chunk, and sends nothing unset', () => {
    const body = chatBody(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        toolChoice: 'auto',
        responseFormat: { type: 'json_object' },
      },
      true,
    );
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('chatResult', () => {
  const response = new Response(null, { headers: { 'x-request-id': 'req-5' } });

  it('reads text answers and tool calls', () => {
    const result = chatResult(
      {
        id: 'chatcmpl-1',
        model: 'openai/gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: {
          prompt_tokens: 11,
          completion_tokens: 7,
          total_tokens: 18,
          prompt_tokens_details: { cached_tokens: 3 },
        },
      },
      response,
    );
    expect(result).toEqual({
      id: 'chatcmpl-1',
      model: 'openai/gpt-4o-mini',
      content: null,
      toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }],
      finishReason: 'tool_calls',
      usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18, cachedTokens: 3 },
      message: { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
    });
  });

  it('refuses an answer without a message', () => {
    let caught: unknown;
    try {
      chatResult({ choices: [] }, response);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HubClientError);
    expect(caught).toMatchObject({ code: 'invalid_response', requestId: 'req-5', status: 200 });
  });
});

describe('usageOf', () => {
  it('derives a missing total and defaults missing counts to 0', () => {
    expect(usageOf({ prompt_tokens: 4, completion_tokens: 2 })).toEqual({
      promptTokens: 4,
      completionTokens: 2,
      totalTokens: 6,
      cachedTokens: 0,
    });
    expect(usageOf(null)).toBeNull();
  });
});
