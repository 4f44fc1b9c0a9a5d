/**
 * Chat: the request and result types of `chat` / `chatStream`, and their translation to and from the hub's
 * OpenAI-compatible wire format. The types are this package's own, in camelCase and without OpenAI's many
 * optional corners, so that a program reads naturally; what they leave out can still be sent with `extraBody`.
 */
import { invalidResponse } from './http';

/** A piece of a user message: text or an image (an https URL or a `data:` URL). */
export type UserContentPart =
  { type: 'text'; text: string } | { type: 'image'; url: string; detail?: 'auto' | 'low' | 'high' };

/** A function call the model asked for; `arguments` is JSON text, as the model wrote it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | UserContentPart[] }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** The assistant's answer as a message, ready to append to `messages` for the next turn. */
export type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

/** A function the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export interface ChatRequest {
  /** `provider/model` as `models()` lists it, e.g. `openai/gpt-4o-mini`. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  /** Sent as `max_tokens` (what every OpenAI-compatible API reads); use `extraBody` for `max_completion_tokens`. */
  maxTokens?: number;
  stop?: string | string[];
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  responseFormat?:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean };
  /** Extra fields for the request body, passed on as they are (e.g. `{ reasoning_effort: 'low' }`). */
  extraBody?: Record<string, unknown>;
}

/** `stop`, `length`, `tool_calls`, `content_filter`, or what else a provider reports. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | (string & {});

/** Tokens a call used, as the hub metered them. */
export interface Usage {
  /** Prompt tokens, cached ones included. */
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens read from the provider's cache. */
  cachedTokens: number;
}

export interface ChatResult {
  /** The completion's id. */
  id: string;
  /** `provider/model` that answered. */
  model: string;
  /** The answer's text; null when the model only called tools. */
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
  usage: Usage;
  /** The answer as a message, to append to the conversation. */
  message: AssistantMessage;
}

/** The request body the hub's `/api/v1/chat/completions` takes. */
export function chatBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...request.extraBody,
    model: request.model,
    messages: request.messages.map(wireMessage),
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools !== undefined) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        ...(tool.parameters !== undefined && { parameters: tool.parameters }),
        ...(tool.strict !== undefined && { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice !== undefined) {
    body.tool_choice =
      typeof request.toolChoice === 'string'
        ? request.toolChoice
        : { type: 'function', function: { name: request.toolChoice.name } };
  }
  if (request.responseFormat !== undefined) {
    const format = request.responseFormat;
    body.response_format =
      format.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.name,
              schema: format.schema,
              ...(format.strict !== undefined && { strict: format.strict }),
            },
          }
        : { type: format.type };
  }
  if (stream) {
    body.stream = true;
    // The hub then ends the stream with a usage chunk.
    body.stream_options = { include_usage: true };
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

function wireMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part) =>
                part.type === 'text'
                  ? { type: 'text', text: part.text }
                  : {
                      type: 'image_url',
                      image_url: { url: part.url, ...(part.detail !== undefined && { detail: part.detail }) },
                    },
              ),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls !== undefined &&
          message.toolCalls.length > 0 && {
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    default:
      return { role: message.role, content: message.content };
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** A `chat.completion` from the hub, as a `ChatResult`. */
export function chatResult(completion: unknown, response: Response): ChatResult {
  const choice: unknown =
    isObject(completion) && Array.isArray(completion.choices)
      ? (completion.choices as unknown[])[0]
      : undefined;
  if (!isObject(completion) || !isObject(choice) || !isObject(choice.message)) {
    throw invalidResponse(response, 'a chat completion without a message');
  }
  const content = str(choice.message.content);
  const toolCalls = Array.isArray(choice.message.tool_calls)
    ? choice.message.tool_calls.filter(isObject).map((call): ToolCall => ({
        id: str(call.id) ?? '',
        name: str(isObject(call.function) ? call.function.name : null) ?? '',
        arguments: str(isObject(call.function) ? call.function.arguments : null) ?? '',
      }))
    : [];
  return {
    id: str(completion.id) ?? '',
    model: str(completion.model) ?? '',
    content,
    toolCalls,
    finishReason: str(choice.finish_reason),
    usage: usageOf(completion.usage) ?? {
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cachedTokens: 0,
    },
    message: { role: 'assistant', content, ...(toolCalls.length > 0 && { toolCalls }) },
  };
}

/** OpenAI's usage object as `Usage`; null when there is none. */
export function usageOf(usage: unknown): Usage | null {
  if (!isObject(usage)) return null;
  const promptTokens = num(usage.prompt_tokens);
  const completionTokens = num(usage.completion_tokens);
  return {
    promptTokens,
    completionTokens,
    totalTokens:
      typeof usage.total_tokens === 'number' ? usage.total_tokens : promptTokens + completionTokens,
    cachedTokens: num(isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details.cached_tokens : 0),
  };
}
