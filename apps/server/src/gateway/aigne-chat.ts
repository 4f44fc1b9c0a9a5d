/**
 * The AIGNE framework's chat model protocol, as its published client (`@aigne/aigne-hub`'s AIGNEHubChatModel,
 * over `@aigne/transport`'s BaseClient) speaks it: `POST /api/v2/chat` with `{ input: ChatModelInput, agent:
 * '$CHAT_MODEL', options: { streaming } }`, answered with a ChatModelOutput as JSON or, when streaming, as
 * AgentResponseDelta events over SSE. This module translates both ways between that and the OpenAI shapes the
 * gateway speaks; it does no I/O.
 *
 * What the client does with the answer decides the details: `toolCalls[].function.arguments` must be objects
 * (the framework validates them against each tool's JSON schema), `json` must be present when a json_schema
 * response format was asked (it is validated against that schema), and usage is summed into the caller's
 * context (`aigneHubCredits` included).
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk, ChatParams, TokenUsage } from './adapters/types';
import { parseJsonObject, parseToolArguments, ToolCallCollector } from './aigne-tool-calls';
import { badRequest } from './errors';
import type { CallSummary } from './service';

/** The agent name AIGNE clients send for "the hub's chat model" (transport's `ChatModelName`). */
export const AIGNE_CHAT_MODEL_AGENT = '$CHAT_MODEL';

const cacheControl = z.looseObject({ type: z.string() }).nullish();

const fileFields = {
  filename: z.string().nullish(),
  mimeType: z.string().nullish(),
};

/** AIGNE content parts; `local` (a path on the client's disk) is listed so that it gets a clear refusal. */
const contentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string(), cacheControl }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1), ...fileFields }),
  z.looseObject({ type: z.literal('file'), data: z.string().min(1), ...fileFields }),
  z.looseObject({ type: z.literal('local'), path: z.string(), ...fileFields }),
]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').default('function'),
  function: z.looseObject({
    name: z.string().min(1),
    // The framework sends objects; a JSON string (what OpenAI-minded callers send) is accepted as is.
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
  }),
});

const message = z.looseObject({
  role: z.enum(['system', 'user', 'agent', 'tool']),
  content: z.union([z.string(), z.array(contentPart)]).nullish(),
  toolCalls: z.array(toolCall).nullish(),
  toolCallId: z.string().nullish(),
  name: z.string().nullish(),
  cacheControl,
});

const tool = z.looseObject({
  type: z.literal('function').default('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
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

const modelOptions = z.looseObject({
  model: z.string().max(300).nullish(),
  temperature: z.number().nullish(),
  topP: z.number().nullish(),
  frequencyPenalty: z.number().nullish(),
  presencePenalty: z.number().nullish(),
  parallelToolCalls: z.boolean().nullish(),
  reasoningEffort: z.union([z.number(), z.string()]).nullish(),
  maxTokens: z.number().int().positive().nullish(),
});

export const aigneChatInput = z.looseObject({
  messages: z.array(message).min(1, 'messages must not be empty').max(10_000),
  tools: z.array(tool).max(512).nullish(),
  toolChoice: z.union([z.enum(['auto', 'none', 'required']), tool]).nullish(),
  responseFormat: responseFormat.nullish(),
  modelOptions: modelOptions.nullish(),
});

/** Options the transport client sends along; only `streaming` matters to the hub. */
export const aigneInvokeOptions = z.looseObject({ streaming: z.boolean().nullish() }).nullish();

export const aigneChatBody = z.looseObject({
  input: aigneChatInput,
  agent: z.string().nullish(),
  /** Older AIGNE clients sent the model here rather than in `input.modelOptions`. */
  model: z.string().max(300).nullish(),
  options: aigneInvokeOptions,
});

export type AigneChatInput = z.infer<typeof aigneChatInput>;
export type AigneChatBody = z.infer<typeof aigneChatBody>;

/** The model an invoke body asks for, or a 400 that says where to put it. */
export function requestedModel(body: {
  input: { modelOptions?: { model?: string | null } | null };
  model?: string | null;
}): string {
  const model = body.input.modelOptions?.model?.trim() || body.model?.trim();
  if (!model) {
    throw badRequest('invalid_model', 'input.modelOptions.model is required', 'input.modelOptions.model');
  }
  return model;
}

type ContentPart = z.infer<typeof contentPart>;
type MessageParam = OpenAI.Chat.ChatCompletionMessageParam;
type UserPart = OpenAI.Chat.ChatCompletionContentPart;

function dataUrl(mimeType: string, data: string): string {
  return data.startsWith('data:') ? data : `data:${mimeType};base64,${data}`;
}

/** A user message part: images as `image_url`, other files (PDFs...) as OpenAI `file` parts. */
function userPart(part: ContentPart, where: string): UserPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'url':
      return { type: 'image_url', image_url: { url: part.url } };
    case 'file': {
      const mimeType = part.mimeType || 'image/png';
      if (mimeType.startsWith('image/')) {
        return { type: 'image_url', image_url: { url: dataUrl(mimeType, part.data) } };
      }
      return {
        type: 'file',
        file: { file_data: dataUrl(mimeType, part.data), ...(part.filename && { filename: part.filename }) },
      };
    }
    case 'local':
      throw badRequest(
        'unsupported_content',
        `${where}: a local file cannot be read by the hub; send it as a "file" part with base64 data`,
        where,
      );
  }
}

/** The text of a message that may only carry text (system, agent, tool). */
function textOnly(content: string | ContentPart[] | null | undefined, where: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      if (part.type !== 'text') {
        throw badRequest(
          'unsupported_content',
          `${where}.${i}: only user messages may carry files or images`,
          `${where}.${i}`,
        );
      }
      return part.text;
    })
    .join('');
}

function toolArgumentsText(value: Record<string, unknown> | string | null | undefined): string {
  if (value === null || value === undefined) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function messageParam(m: AigneChatInput['messages'][number], index: number): MessageParam {
  const where = `input.messages.${index}`;
  const name = m.name ? { name: m.name } : {};
  switch (m.role) {
    case 'system':
      return { role: 'system', content: textOnly(m.content, `${where}.content`), ...name };
    case 'user':
      return {
        role: 'user',
        content:
          typeof m.content === 'string' || m.content === null || m.content === undefined
            ? (m.content ?? '')
            : m.content.map((part, i) => userPart(part, `${where}.content.${i}`)),
        ...name,
      };
    case 'agent': {
      const text = textOnly(m.content, `${where}.content`);
      const calls = m.toolCalls ?? [];
      return {
        role: 'assistant',
        content: text === '' && calls.length > 0 ? null : text,
        ...name,
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
      if (!m.toolCallId) throw badRequest('invalid_request', `${where}.toolCallId is required`, where);
      return { role: 'tool', tool_call_id: m.toolCallId, content: textOnly(m.content, `${where}.content`) };
  }
}

/**
 * AIGNE's reasoning effort: a level, or a thinking budget in tokens (mapped to the nearest OpenAI level; the
 * thresholds are ours: small budgets are "low", large ones "high").
 */
function reasoningEffort(value: number | string | null | undefined): OpenAI.ReasoningEffort | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') {
    if (value <= 0) return undefined;
    if (value < 2048) return 'low';
    return value < 16_384 ? 'medium' : 'high';
  }
  const levels = ['none', 'minimal', 'low', 'medium', 'high'] as const;
  return (levels as readonly string[]).includes(value) ? (value as OpenAI.ReasoningEffort) : undefined;
}

/** Keeps only the keys whose value is set (OpenAI-compatible upstreams reject some explicit nulls). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** A ChatModelInput as OpenAI chat completion parameters for the gateway. */
export function chatParamsFromAigne(input: AigneChatInput, model: string): ChatParams {
  const options = input.modelOptions ?? {};
  const tools = input.tools ?? [];
  const format = input.responseFormat;
  const choice = input.toolChoice;
  return defined({
    model,
    messages: input.messages.map(messageParam),
    temperature: options.temperature,
    top_p: options.topP,
    frequency_penalty: options.frequencyPenalty,
    presence_penalty: options.presencePenalty,
    // `max_tokens`, not `max_completion_tokens`: every OpenAI-compatible provider knows it, and the gateway's
    // other adapters read it.
    max_tokens: options.maxTokens,
    reasoning_effort: reasoningEffort(options.reasoningEffort),
    tools:
      tools.length > 0
        ? tools.map((t) => ({
            type: 'function' as const,
            function: defined({
              name: t.function.name,
              description: t.function.description ?? undefined,
              parameters: t.function.parameters ?? { type: 'object', properties: {} },
            }),
          }))
        : undefined,
    tool_choice:
      choice === null || choice === undefined || tools.length === 0
        ? undefined
        : typeof choice === 'string'
          ? choice
          : { type: 'function' as const, function: { name: choice.function.name } },
    parallel_tool_calls: tools.length > 0 ? (options.parallelToolCalls ?? undefined) : undefined,
    response_format:
      format?.type === 'json_schema'
        ? {
            type: 'json_schema' as const,
            json_schema: defined({
              name: format.jsonSchema.name,
              description: format.jsonSchema.description ?? undefined,
              schema: format.jsonSchema.schema,
              strict: format.jsonSchema.strict ?? undefined,
            }),
          }
        : undefined,
  });
}

/** AIGNE's usage object. Input tokens count cached ones too (as OpenAI reports them), cache use shown apart. */
export interface AigneUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  /** Credits this call cost; present only when the hub charges (billing on). */
  aigneHubCredits?: number;
}

export function aigneUsage(usage: TokenUsage, credits: number | null): AigneUsage {
  return {
    inputTokens: usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
    outputTokens: usage.outputTokens,
    ...(usage.cacheReadTokens > 0 && { cacheReadInputTokens: usage.cacheReadTokens }),
    ...(usage.cacheWriteTokens > 0 && { cacheCreationInputTokens: usage.cacheWriteTokens }),
    ...(credits !== null && { aigneHubCredits: credits }),
  };
}

export interface AigneToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: Record<string, unknown> };
}

export interface AigneChatOutput {
  text?: string;
  thoughts?: string;
  json?: Record<string, unknown>;
  toolCalls?: AigneToolCall[];
  usage: AigneUsage;
  model: string;
}

/** What the output needs beyond the completion: whether JSON was asked for, and whether credits are shown. */
export interface OutputOptions {
  jsonMode: boolean;
  billing: boolean;
}

/**
 * The JSON a model wrote for a json_schema request. Some models wrap it in a Markdown code fence even when
 * asked not to; the fence is not part of the answer.
 */
export function parseJsonOutput(text: string): Record<string, unknown> | null {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return parseJsonObject(fenced ? fenced[1]! : text);
}

/** Reasoning text some OpenAI-compatible providers add (DeepSeek `reasoning_content`, OpenRouter `reasoning`). */
function reasoningOf(value: object | null | undefined): string | undefined {
  if (!value) return undefined;
  const { reasoning_content: content, reasoning } = value as {
    reasoning_content?: unknown;
    reasoning?: unknown;
  };
  if (typeof content === 'string' && content !== '') return content;
  return typeof reasoning === 'string' && reasoning !== '' ? reasoning : undefined;
}

/** Text, or in JSON mode the parsed object (the text stays only when it is not valid JSON, so it can be seen). */
function textOrJson(text: string, jsonMode: boolean): Pick<AigneChatOutput, 'text' | 'json'> {
  if (jsonMode) {
    const json = parseJsonOutput(text);
    if (json) return { json };
  }
  return text === '' ? {} : { text };
}

/** A non-streamed completion as the ChatModelOutput the AIGNE client returns to its caller. */
export function aigneChatOutput(
  completion: ChatCompletion,
  summary: CallSummary,
  options: OutputOptions,
): AigneChatOutput {
  const reply = completion.choices[0]?.message;
  const calls = (reply?.tool_calls ?? []).flatMap((call) =>
    call.type === 'function'
      ? [
          {
            id: call.id,
            type: 'function' as const,
            function: { name: call.function.name, arguments: parseToolArguments(call.function.arguments) },
          },
        ]
      : [],
  );
  const text = reply?.content ?? reply?.refusal ?? '';
  const thoughts = reasoningOf(reply);
  return {
    ...(calls.length > 0 ? (text === '' ? {} : { text }) : textOrJson(text, options.jsonMode)),
    ...(thoughts !== undefined && { thoughts }),
    ...(calls.length > 0 && { toolCalls: calls }),
    usage: aigneUsage(summary.usage, options.billing ? summary.credits : null),
    model: summary.model,
  };
}

/** An AgentResponseDelta: text pieces to append, JSON fields to set. */
export interface AgentDelta {
  delta: { text?: Record<string, string>; json?: Record<string, unknown> };
}

/**
 * Turns the gateway's OpenAI chunks into AgentResponseDelta events. Text streams as `text.text` deltas (in
 * JSON mode it is held back and parsed at the end, as the framework's own models do); tool calls, the parsed
 * JSON, usage and the model are set by one JSON delta at the end.
 */
export class AigneDeltaStream {
  readonly #tools = new ToolCallCollector();
  #text = '';

  constructor(private readonly options: OutputOptions) {}

  /** The first event: which model answers. */
  start(model: string): AgentDelta[] {
    return [{ delta: { json: { model } } }];
  }

  push(chunk: ChatCompletionChunk): AgentDelta[] {
    const events: AgentDelta[] = [];
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const { delta } = choice;
      const thoughts = reasoningOf(delta);
      if (thoughts !== undefined) events.push({ delta: { text: { thoughts } } });
      const piece = delta.content ?? delta.refusal ?? '';
      if (piece !== '') {
        this.#text += piece;
        if (!this.options.jsonMode) events.push({ delta: { text: { text: piece } } });
      }
      this.#tools.push(delta.tool_calls);
    }
    return events;
  }

  /** The closing events, once the stream is done and metered. */
  finish(summary: CallSummary): AgentDelta[] {
    const calls = this.#tools.calls().map((call) => ({
      id: call.id,
      type: 'function' as const,
      function: { name: call.name, arguments: parseToolArguments(call.arguments) },
    }));
    const events: AgentDelta[] = [];
    const json: Record<string, unknown> = {};
    if (calls.length > 0) json.toolCalls = calls;
    if (this.options.jsonMode) {
      // The held-back text: parsed when it is the answer, passed on as text beside tool calls.
      const { json: parsed, text } = textOrJson(this.#text, calls.length === 0);
      if (parsed) json.json = parsed;
      if (text !== undefined) events.push({ delta: { text: { text } } });
    }
    json.usage = aigneUsage(summary.usage, this.options.billing ? summary.credits : null);
    json.model = summary.model;
    events.push({ delta: { json } });
    return events;
  }
}
