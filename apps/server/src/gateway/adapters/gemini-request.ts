/**
 * An OpenAI chat request as a Gemini `generateContent` request (the `@google/genai` parameters; the SDK
 * writes them as the REST body: `contents`, `systemInstruction`, `generationConfig`, `tools`, `toolConfig`).
 *
 * Decisions a reader must know:
 * - Schemas go as JSON Schema (`parametersJsonSchema`, `responseJsonSchema`), which is what OpenAI clients
 *   write, rather than Gemini's older OpenAPI subset.
 * - `n` is `candidateCount`; penalties and `seed` have direct equivalents and are passed on.
 * - A tool result is a `functionResponse` with `{ output: <text> }` (Gemini's documented key). Gemini needs
 *   the function's name there, found from the assistant's call with that id.
 * - Thought signatures: Gemini's thinking models attach a `thoughtSignature` to each function call and
 *   require it back with the call in the next request. OpenAI's format has no field for it, so the adapter
 *   carries it inside the tool call's id (see `toolCallId`), which every client echoes untouched.
 * - http(s) image URLs are sent as `fileData` with the MIME type their extension names (Gemini requires
 *   one); a URL without a recognisable image extension is refused rather than guessed.
 * - The SDK's automatic continuation is off: one call, one upstream request (the gateway decides retries).
 * - `user`, `parallel_tool_calls`, `logit_bias` and OpenAI-only options have no Gemini equivalent and are not
 *   sent.
 */
import type {
  Content,
  FunctionCallingConfigMode,
  GenerateContentConfig,
  GenerateContentParameters,
  Part,
  ToolConfig,
} from '@google/genai';
import {
  conversationOf,
  maxTokensOf,
  refuseUntranslatable,
  responseFormatOf,
  stopSequencesOf,
  toolChoiceOf,
  toolsOf,
  type Block,
  type ImageSource,
} from './sdk-conversation';
import { badRequest, unsupported } from './sdk-failure';
import type { ChatParams } from './types';

/** Marks where a Gemini thought signature starts inside an OpenAI tool call id. */
const SIGNATURE_MARK = '__thought__';

/**
 * The OpenAI id of a Gemini function call: its own id (or a made-up one), followed by its thought signature
 * in base64url when it has one, so that the id stays within [A-Za-z0-9_-] (ids travel on to other
 * providers, and Anthropic, for one, allows nothing else).
 */
export function toolCallId(id: string, signature: string | undefined): string {
  if (!signature) return id;
  return `${id}${SIGNATURE_MARK}${Buffer.from(signature, 'base64').toString('base64url')}`;
}

/** The id and thought signature (standard base64, as Gemini sent it) inside an OpenAI tool call id. */
export function splitToolCallId(openaiId: string): { id: string; signature: string | null } {
  const at = openaiId.indexOf(SIGNATURE_MARK);
  if (at === -1) return { id: openaiId, signature: null };
  const signature = Buffer.from(openaiId.slice(at + SIGNATURE_MARK.length), 'base64url').toString('base64');
  return { id: openaiId.slice(0, at), signature };
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

function imagePart(source: ImageSource): Part {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const extension = new URL(source.url).pathname.split('.').pop()?.toLowerCase() ?? '';
  const mimeType = IMAGE_TYPES[extension];
  if (!mimeType) {
    throw unsupported(
      'Gemini needs the type of a linked image: use a data: URL or a URL ending in .png, .jpg, .webp…',
    );
  }
  return { fileData: { fileUri: source.url, mimeType } };
}

function part(block: Block): Part {
  switch (block.type) {
    case 'text':
      return { text: block.text };
    case 'image':
      return imagePart(block.source);
    case 'audio':
      return {
        inlineData: { mimeType: block.format === 'mp3' ? 'audio/mp3' : 'audio/wav', data: block.data },
      };
    case 'file':
      return { inlineData: { mimeType: block.mediaType, data: block.data } };
    case 'tool_call': {
      const { id, signature } = splitToolCallId(block.id);
      return {
        functionCall: { id, name: block.name, args: block.input },
        ...(signature && { thoughtSignature: signature }),
      };
    }
    case 'tool_result': {
      if (block.name === null) {
        throw badRequest(
          `the tool message for "${block.callId}" answers no tool call of an earlier assistant message`,
        );
      }
      const { id } = splitToolCallId(block.callId);
      return { functionResponse: { id, name: block.name, response: { output: block.texts.join('\n') } } };
    }
  }
}

function toolConfigOf(params: ChatParams): ToolConfig | undefined {
  const choice = toolChoiceOf(params);
  if (choice === null) return undefined;
  // The SDK's enum values are these strings; importing the enum itself would load the SDK eagerly.
  const mode = { auto: 'AUTO', none: 'NONE', required: 'ANY', named: 'ANY' } as Record<
    typeof choice.mode,
    FunctionCallingConfigMode
  >;
  return {
    functionCallingConfig: {
      mode: mode[choice.mode],
      ...(choice.mode === 'named' && { allowedFunctionNames: [choice.name] }),
    },
  };
}

/** `{ [key]: value }` when the client gave a value, else nothing (OpenAI allows null for "not set"). */
function given<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return value === null || value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

/** The generateContent parameters for `params` (the caller adds the abort signal). */
export function geminiRequest(
  params: ChatParams,
): GenerateContentParameters & { config: GenerateContentConfig } {
  refuseUntranslatable(params, 'Gemini', { multipleChoices: true });
  const { system, turns } = conversationOf(params.messages);
  const contents: Content[] = turns.map((turn) => ({
    role: turn.role === 'assistant' ? 'model' : 'user',
    parts: turn.blocks.map(part),
  }));
  const format = responseFormatOf(params);
  const tools = toolsOf(params);
  const stop = stopSequencesOf(params);
  const maxTokens = maxTokensOf(params);
  const toolConfig = tools.length > 0 ? toolConfigOf(params) : undefined;
  const config: GenerateContentConfig = {
    ...(system.length > 0 && { systemInstruction: { parts: system.map((s) => ({ text: s.text })) } }),
    ...given('temperature', params.temperature),
    ...given('topP', params.top_p),
    ...(maxTokens !== null && { maxOutputTokens: maxTokens }),
    ...(stop.length > 0 && { stopSequences: stop }),
    ...(typeof params.n === 'number' && params.n > 1 && { candidateCount: params.n }),
    ...given('presencePenalty', params.presence_penalty),
    ...given('frequencyPenalty', params.frequency_penalty),
    ...given('seed', params.seed),
    ...(format.type !== 'text' && { responseMimeType: 'application/json' }),
    ...(format.type === 'json_schema' && { responseJsonSchema: format.schema }),
    ...(tools.length > 0 && {
      tools: [
        {
          functionDeclarations: tools.map((tool) => ({
            name: tool.name,
            ...(tool.description !== null && { description: tool.description }),
            parametersJsonSchema: tool.parameters,
          })),
        },
      ],
    }),
    ...(toolConfig && { toolConfig }),
    automaticContinuation: false,
  };
  return { model: params.model, contents, config };
}
