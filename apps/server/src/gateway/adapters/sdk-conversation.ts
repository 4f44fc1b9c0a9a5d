/**
 * An OpenAI chat request, read once into a neutral form that the Anthropic, Gemini and Bedrock adapters each
 * write out in their own protocol. The three protocols agree on far more than they differ: one system prompt
 * (not messages of their own), turns that alternate user / assistant, tool results sent back by the user,
 * tool-call arguments as JSON objects rather than strings, media as base64 with a MIME type. Doing that part
 * here once keeps the three translations small and makes them behave alike.
 *
 * Things with no equivalent in any of the three are refused here (`unsupported`, the client gets a 400 that
 * says what), never silently dropped when they would change the answer: n > 1 (where a provider cannot),
 * logprobs, audio output, the deprecated `functions`, custom (non-function) tools, web search.
 */
import type OpenAI from 'openai';
import { badRequest, unsupported } from './sdk-failure';
import type { ChatParams } from './types';

type Message = OpenAI.Chat.ChatCompletionMessageParam;
type ContentPart = OpenAI.Chat.ChatCompletionContentPart;

/** Base64 data with its MIME type. */
export interface InlineData {
  mediaType: string;
  /** Standard base64 (not base64url), as every provider wants it. */
  data: string;
}

export type ImageSource = ({ kind: 'base64' } & InlineData) | { kind: 'url'; url: string };

/** One piece of a turn. `cache` marks the end of a reusable prompt prefix (OpenAI `prompt_cache_breakpoint`). */
export type Block =
  | { type: 'text'; text: string; cache: boolean }
  | { type: 'image'; source: ImageSource; cache: boolean }
  | { type: 'audio'; format: 'wav' | 'mp3'; data: string; cache: boolean }
  | ({ type: 'file'; filename: string | null; cache: boolean } & InlineData)
  /** A call the assistant made; `input` is the parsed JSON object of OpenAI's `arguments` string. */
  | { type: 'tool_call'; id: string; name: string; input: Record<string, unknown> }
  /** What a tool answered; `name` is the called function's, found from the call's id (null if unknown). */
  | { type: 'tool_result'; callId: string; name: string | null; texts: string[]; cache: boolean };

export interface Turn {
  role: 'user' | 'assistant';
  blocks: Block[];
}

export interface SystemText {
  text: string;
  cache: boolean;
}

export interface Conversation {
  /** Every system and developer message, in order. */
  system: SystemText[];
  /** Alternating turns: consecutive messages of one role are merged; tool results are user turns. */
  turns: Turn[];
}

export interface ToolSpec {
  name: string;
  description: string | null;
  /** JSON Schema of the arguments (an empty object schema when the tool declared none). */
  parameters: Record<string, unknown>;
}

export type ToolChoice = { mode: 'auto' | 'none' | 'required' } | { mode: 'named'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      description: string | null;
      schema: Record<string, unknown>;
    };

/**
 * What a provider without a JSON mode is told when the client asks for `json_object`: OpenAI's JSON mode
 * only guarantees syntactically valid JSON (the prompt must already ask for JSON), and Claude models follow
 * this instruction reliably. `json_schema`, where the real guarantee lies, maps to native structured output.
 */
export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose before or after it, no code fences.';

/** Refuses what none of the SDK adapters can translate. `label` names the provider in the message. */
export function refuseUntranslatable(
  params: ChatParams,
  label: string,
  options: { multipleChoices: boolean },
): void {
  if (typeof params.n === 'number' && params.n > 1 && !options.multipleChoices) {
    throw unsupported(`${label} returns one choice per request: n must be 1`);
  }
  if (params.logprobs === true || (typeof params.top_logprobs === 'number' && params.top_logprobs > 0)) {
    throw unsupported(`logprobs are not available through ${label}`);
  }
  if (params.audio || params.modalities?.includes('audio')) {
    throw unsupported(`audio output is not available through ${label}`);
  }
  if (params.functions || params.function_call) {
    throw unsupported('the deprecated functions / function_call are not supported: use tools / tool_choice');
  }
  if (params.web_search_options) throw unsupported(`web_search_options is not available through ${label}`);
  for (const tool of params.tools ?? []) {
    if (tool.type !== 'function') throw unsupported(`only function tools are supported by ${label}`);
  }
  const choice = params.tool_choice;
  if (typeof choice === 'object' && choice.type !== 'function') {
    throw unsupported(`tool_choice of type "${choice.type}" is not supported by ${label}`);
  }
}

/** `max_completion_tokens` (current) or `max_tokens` (deprecated), whichever the client sent. */
export function maxTokensOf(params: ChatParams): number | null {
  return params.max_completion_tokens ?? params.max_tokens ?? null;
}

export function stopSequencesOf(params: ChatParams): string[] {
  if (params.stop === null || params.stop === undefined) return [];
  return typeof params.stop === 'string' ? [params.stop] : params.stop;
}

export function toolsOf(params: ChatParams): ToolSpec[] {
  return (params.tools ?? []).flatMap((tool) =>
    tool.type === 'function'
      ? [
          {
            name: tool.function.name,
            description: tool.function.description ?? null,
            parameters: tool.function.parameters ?? { type: 'object', properties: {} },
          },
        ]
      : [],
  );
}

/** The tool choice, or null when the client left it to the provider (auto whenever tools are given). */
export function toolChoiceOf(params: ChatParams): ToolChoice | null {
  const choice = params.tool_choice;
  if (choice === undefined) return null;
  if (typeof choice === 'string') return { mode: choice };
  if (choice.type === 'function') return { mode: 'named', name: choice.function.name };
  return null; // refused by refuseUntranslatable
}

export function responseFormatOf(params: ChatParams): ResponseFormat {
  const format = params.response_format;
  if (!format || format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    name: format.json_schema.name,
    description: format.json_schema.description ?? null,
    schema: format.json_schema.schema ?? { type: 'object' },
  };
}

/** `data:<type>;base64,<data>` split, or null when `url` is not a base64 data URL. */
export function parseDataUrl(url: string): InlineData | null {
  const match = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i.exec(url);
  if (!match) return null;
  return {
    mediaType: (match[1] || 'application/octet-stream').toLowerCase(),
    data: url.slice(match[0].length),
  };
}

const FILE_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
};

function fileOf(part: OpenAI.Chat.ChatCompletionContentPart.File, cache: boolean): Block {
  const { file_data: fileData, file_id: fileId, filename } = part.file;
  if (fileId) throw unsupported('files uploaded to OpenAI (file_id) cannot be sent to another provider');
  if (!fileData) throw badRequest('a file part needs file_data');
  const inline = parseDataUrl(fileData);
  if (inline) return { type: 'file', filename: filename ?? null, cache, ...inline };
  const extension = filename?.split('.').pop()?.toLowerCase() ?? '';
  const mediaType = FILE_TYPES[extension];
  if (!mediaType)
    throw badRequest('file_data must be a data: URL (or name a .pdf/.txt/.md/.csv/.html/.json file)');
  return { type: 'file', filename: filename ?? null, cache, mediaType, data: fileData };
}

function imageOf(url: string, cache: boolean): Block {
  const inline = parseDataUrl(url);
  if (inline) return { type: 'image', source: { kind: 'base64', ...inline }, cache };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { kind: 'url', url }, cache };
  throw badRequest('image_url.url must be an http(s) URL or a base64 data: URL');
}

function partBlocks(part: ContentPart | OpenAI.Chat.ChatCompletionContentPartRefusal): Block[] {
  const cache = 'prompt_cache_breakpoint' in part && part.prompt_cache_breakpoint?.mode === 'explicit';
  switch (part.type) {
    case 'text':
      return part.text === '' ? [] : [{ type: 'text', text: part.text, cache }];
    case 'refusal':
      return part.refusal === '' ? [] : [{ type: 'text', text: part.refusal, cache: false }];
    case 'image_url':
      return [imageOf(part.image_url.url, cache)];
    case 'input_audio':
      return [{ type: 'audio', format: part.input_audio.format, data: part.input_audio.data, cache }];
    case 'file':
      return [fileOf(part, cache)];
  }
}

function contentBlocks(content: Message['content']): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string')
    return content === '' ? [] : [{ type: 'text', text: content, cache: false }];
  return content.flatMap((part) => partBlocks(part));
}

/** OpenAI's arguments string as the JSON object every other protocol wants ('' counts as no arguments). */
export function parseToolArguments(text: string, name: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(`the arguments of the call to "${name}" are not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`the arguments of the call to "${name}" must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads the messages into a conversation. Tool results are moved to the front of the user turn they end up
 * in: every protocol here wants the answers to the assistant's calls before anything else the user says.
 */
export function conversationOf(messages: readonly Message[]): Conversation {
  const system: SystemText[] = [];
  const turns: Turn[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: Turn['role'], blocks: Block[]) => {
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const block of contentBlocks(message.content)) {
          if (block.type === 'text') system.push({ text: block.text, cache: block.cache });
        }
        break;
      case 'user':
        push('user', contentBlocks(message.content));
        break;
      case 'assistant': {
        if (message.function_call)
          throw unsupported('the deprecated function_call messages are not supported');
        const blocks = contentBlocks(message.content);
        for (const call of message.tool_calls ?? []) {
          if (call.type !== 'function') throw unsupported('only function tool calls are supported');
          toolNames.set(call.id, call.function.name);
          blocks.push({
            type: 'tool_call',
            id: call.id,
            name: call.function.name,
            input: parseToolArguments(call.function.arguments, call.function.name),
          });
        }
        push('assistant', blocks);
        break;
      }
      case 'tool': {
        const parts =
          typeof message.content === 'string' ? [message.content] : message.content.map((p) => p.text);
        const cache =
          typeof message.content !== 'string' &&
          message.content.some((p) => p.prompt_cache_breakpoint?.mode === 'explicit');
        push('user', [
          {
            type: 'tool_result',
            callId: message.tool_call_id,
            name: toolNames.get(message.tool_call_id) ?? null,
            texts: parts,
            cache,
          },
        ]);
        break;
      }
      case 'function':
        throw unsupported('the deprecated function messages are not supported: use tool messages');
    }
  }
  for (const turn of turns) {
    if (turn.role !== 'user') continue;
    const results = turn.blocks.filter((b) => b.type === 'tool_result');
    if (results.length > 0)
      turn.blocks = [...results, ...turn.blocks.filter((b) => b.type !== 'tool_result')];
  }
  return { system, turns };
}
