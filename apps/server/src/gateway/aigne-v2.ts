/**
 * AIGNE Hub's own v2 chat API, for callers written against AIGNE Hub (e.g. `@blocklet/aigne-hub`'s
 * `chatCompletionsV2`): `POST /api/v2/chat/completions` (and `/api/v2/completions`) with a camelCase body
 * (`messages` or `prompt`, `model`, `maxTokens`, `toolCalls`, `toolCallId`, `responseFormat`...). The answer is
 * JSON `{ role, text, content, toolCalls }`, or Server-Sent Events whose data are `{ delta }`, `{ usage }` and
 * `{ error }` objects. This module translates both ways; it does no I/O.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk, ChatParams, TokenUsage } from './adapters/types';
import { ToolCallCollector } from './aigne-tool-calls';
import type { CallSummary } from './service';

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').default('function'),
  function: z.looseObject({
    name: z.string().min(1),
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  }),
});

const imageUrl = z.looseObject({ url: z.string().min(1) });

const contentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  // AIGNE Hub documents `imageUrl`; OpenAI's `image_url` spelling is accepted too.
  z
    .looseObject({
      type: z.literal('image_url'),
      imageUrl: imageUrl.nullish(),
      image_url: imageUrl.nullish(),
    })
    .refine((part) => Boolean(part.imageUrl ?? part.image_url), {
      message: 'imageUrl.url is required',
      path: ['imageUrl'],
    }),
]);

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: z.string().nullish(), name: z.string().nullish() }),
  z.looseObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(contentPart)]).nullish(),
    name: z.string().nullish(),
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.string().nullish(),
    name: z.string().nullish(),
    toolCalls: z.array(toolCall).nullish(),
  }),
  z.looseObject({ role: z.literal('tool'), content: z.string(), toolCallId: z.string().min(1) }),
]);

const tool = z.looseObject({
  type: z.literal('function').default('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()),
  }),
});

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    jsonSchema: z.looseObject({
      name: z.string().min(1),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const v2ChatBody = z
  .looseObject({
    model: z.string().min(1, 'model is required').max(300),
    messages: z.array(message).min(1, 'messages must not be empty').max(10_000).nullish(),
    /** A single user message, instead of `messages`. */
    prompt: z.string().min(1).nullish(),
    stream: z.boolean().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    topP: z.number().min(0).max(1).nullish(),
    presencePenalty: z.number().min(-2).max(2).nullish(),
    frequencyPenalty: z.number().min(-2).max(2).nullish(),
    maxTokens: z.number().int().min(1).nullish(),
    tools: z.array(tool).max(512).nullish(),
    toolChoice: z
      .union([
        z.enum(['auto', 'none', 'required']),
        z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
      ])
      .nullish(),
    responseFormat: responseFormat.nullish(),
  })
  .refine((body) => Boolean(body.messages) !== Boolean(body.prompt), {
    message: 'send either messages or prompt (exactly one of them)',
    path: ['messages'],
  });

export type V2ChatBody = z.infer<typeof v2ChatBody>;

function toolArgumentsText(value: string | Record<string, unknown> | null | undefined): string {
  if (value === null || value === undefined) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function messageParam(m: z.infer<typeof message>): OpenAI.Chat.ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: m.content ?? '', ...(m.name && { name: m.name }) };
    case 'user':
      return {
        role: 'user',
        content:
          typeof m.content === 'string' || m.content === null || m.content === undefined
            ? (m.content ?? '')
            : m.content.map((part): OpenAI.Chat.ChatCompletionContentPart =>
                part.type === 'text'
                  ? { type: 'text', text: part.text }
                  : { type: 'image_url', image_url: { url: (part.imageUrl ?? part.image_url)!.url } },
              ),
        ...(m.name && { name: m.name }),
      };
    case 'assistant': {
      const calls = m.toolCalls ?? [];
      return {
        role: 'assistant',
        content: m.content ?? (calls.length > 0 ? null : ''),
        ...(m.name && { name: m.name }),
        ...(calls.length > 0 && {
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.function.name, arguments: toolArgumentsText(call.function.arguments) },
          })),
        }),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  }
}

/** A v2 body as OpenAI chat completion parameters (`stream` is decided by the route). */
export function chatParamsFromV2(body: V2ChatBody): ChatParams {
  const messages = body.messages ?? [{ role: 'user' as const, content: body.prompt ?? '' }];
  const tools = body.tools ?? [];
  const format = body.responseFormat;
  const params: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
    model: body.model,
    messages: messages.map(messageParam),
  };
  if (typeof body.temperature === 'number') params.temperature = body.temperature;
  if (typeof body.topP === 'number') params.top_p = body.topP;
  if (typeof body.presencePenalty === 'number') params.presence_penalty = body.presencePenalty;
  if (typeof body.frequencyPenalty === 'number') params.frequency_penalty = body.frequencyPenalty;
  if (typeof body.maxTokens === 'number') params.max_tokens = body.maxTokens;
  if (tools.length > 0) {
    params.tools = tools.map((t) => ({
      type: 'function',
      function: {
        name: t.function.name,
        parameters: t.function.parameters,
        ...(t.function.description && { description: t.function.description }),
      },
    }));
    if (body.toolChoice) {
      params.tool_choice =
        typeof body.toolChoice === 'string'
          ? body.toolChoice
          : { type: 'function', function: { name: body.toolChoice.function.name } };
    }
  }
  if (format?.type === 'json_object') params.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    params.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.jsonSchema.name,
        schema: format.jsonSchema.schema,
        ...(format.jsonSchema.description && { description: format.jsonSchema.description }),
        ...(typeof format.jsonSchema.strict === 'boolean' && { strict: format.jsonSchema.strict }),
      },
    };
  }
  return params;
}

/** v2 tool calls keep OpenAI's JSON-string arguments, in camelCase objects. */
export interface V2ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface V2Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Credits the call cost; present only when the hub charges (billing on). */
  aigneHubCredits?: number;
}

export function v2Usage(usage: TokenUsage, credits: number | null): V2Usage {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    promptTokens: prompt,
    completionTokens: usage.outputTokens,
    totalTokens: prompt + usage.outputTokens,
    ...(credits !== null && { aigneHubCredits: credits }),
  };
}

export interface V2ChatResponse {
  role: 'assistant';
  /** AIGNE Hub answers the text twice, as `text` and as `content`. */
  text: string;
  content: string;
  toolCalls?: V2ToolCall[];
  model: string;
  usage: V2Usage;
}

export function v2ChatResponse(
  completion: ChatCompletion,
  summary: CallSummary,
  billing: boolean,
): V2ChatResponse {
  const reply = completion.choices[0]?.message;
  const text = reply?.content ?? reply?.refusal ?? '';
  const calls = (reply?.tool_calls ?? []).flatMap((call): V2ToolCall[] =>
    call.type === 'function' ? [{ id: call.id, type: 'function', function: { ...call.function } }] : [],
  );
  return {
    role: 'assistant',
    text,
    content: text,
    ...(calls.length > 0 && { toolCalls: calls }),
    model: summary.model,
    usage: v2Usage(summary.usage, billing ? summary.credits : null),
  };
}

/** One SSE data object of the v2 stream. */
export type V2StreamEvent =
  | { delta: { role?: 'assistant'; content?: string; toolCalls?: V2ToolCall[] } }
  | { usage: V2Usage }
  | { error: { message: string; type: string; code: string } };

/**
 * The v2 stream: text as `{ delta: { content } }` pieces (the first also says `role`), tool calls whole in one
 * delta at the end (AIGNE Hub clients append every `toolCalls` they see, so pieces would break them), then
 * `{ usage }`.
 */
export class V2DeltaStream {
  readonly #tools = new ToolCallCollector();
  #roleSent = false;

  constructor(private readonly billing: boolean) {}

  push(chunk: ChatCompletionChunk): V2StreamEvent[] {
    const events: V2StreamEvent[] = [];
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const piece = choice.delta.content ?? choice.delta.refusal ?? '';
      if (piece !== '') {
        events.push({ delta: { ...(!this.#roleSent && { role: 'assistant' as const }), content: piece } });
        this.#roleSent = true;
      }
      this.#tools.push(choice.delta.tool_calls);
    }
    return events;
  }

  finish(summary: CallSummary): V2StreamEvent[] {
    const calls = this.#tools.calls();
    const events: V2StreamEvent[] = [];
    if (calls.length > 0) {
      events.push({
        delta: {
          ...(!this.#roleSent && { role: 'assistant' as const }),
          toolCalls: calls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        },
      });
    }
    events.push({ usage: v2Usage(summary.usage, this.billing ? summary.credits : null) });
    return events;
  }
}
