/**
 * An OpenAI chat request as an Anthropic Messages request.
 *
 * Decisions a reader must know:
 * - `max_tokens` is required by Anthropic; when the client sets none, `DEFAULT_MAX_TOKENS` is sent.
 * - `temperature` is passed as given: OpenAI's range is 0-2, Anthropic's 0-1, and rescaling would change the
 *   meaning of every value the two share; Anthropic refuses values above 1 with a 400 the client sees.
 * - `response_format: json_schema` becomes native structured output (`output_config.format`);
 *   `json_object` has no native equivalent and becomes an instruction appended to the system prompt
 *   (`JSON_OBJECT_INSTRUCTION`), a best effort rather than a guarantee.
 * - `prompt_cache_breakpoint` on a part becomes `cache_control: { type: 'ephemeral' }` on that block.
 * - `safety_identifier` (or the older `user`) becomes `metadata.user_id`; `parallel_tool_calls: false` becomes `disable_parallel_tool_use`.
 * - Sampling hints Anthropic lacks (penalties, seed, logit_bias) and OpenAI-only options (store, metadata,
 *   service_tier, reasoning_effort, prompt cache keys) are not sent: they cannot change what Claude answers.
 */
import type Anthropic from '@anthropic-ai/sdk';
import {
  conversationOf,
  JSON_OBJECT_INSTRUCTION,
  maxTokensOf,
  refuseUntranslatable,
  responseFormatOf,
  stopSequencesOf,
  toolChoiceOf,
  toolsOf,
  type Block,
  type SystemText,
} from './sdk-conversation';
import { unsupported } from './sdk-failure';
import type { ChatParams } from './types';

/** Sent when the client sets no output limit (Anthropic requires one); every current Claude model allows it. */
export const DEFAULT_MAX_TOKENS = 4096;

export type AnthropicRequest = Anthropic.MessageCreateParamsNonStreaming;

const EPHEMERAL = { cache_control: { type: 'ephemeral' } } as const;

function cacheMark(cache: boolean) {
  return cache ? EPHEMERAL : {};
}

function blockParam(block: Block): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text, ...cacheMark(block.cache) };
    case 'image':
      return {
        type: 'image',
        source:
          block.source.kind === 'url'
            ? { type: 'url', url: block.source.url }
            : {
                type: 'base64',
                media_type: block.source.mediaType as Anthropic.Base64ImageSource['media_type'],
                data: block.source.data,
              },
        ...cacheMark(block.cache),
      };
    case 'audio':
      throw unsupported('audio input is not supported by Anthropic');
    case 'file':
      return documentParam(block);
    case 'tool_call':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: block.callId,
        content:
          block.texts.length === 1
            ? (block.texts[0] ?? '')
            : block.texts.map((text) => ({ type: 'text', text })),
        ...cacheMark(block.cache),
      };
  }
}

/** PDFs as base64 documents, plain text as text documents; Anthropic reads no other file type. */
function documentParam(block: Extract<Block, { type: 'file' }>): Anthropic.DocumentBlockParam {
  const title = block.filename ? { title: block.filename } : {};
  if (block.mediaType === 'application/pdf') {
    return {
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: block.data },
      ...title,
      ...cacheMark(block.cache),
    };
  }
  if (block.mediaType === 'text/plain') {
    return {
      type: 'document',
      source: {
        type: 'text',
        media_type: 'text/plain',
        data: Buffer.from(block.data, 'base64').toString('utf8'),
      },
      ...title,
      ...cacheMark(block.cache),
    };
  }
  throw unsupported(`Anthropic reads PDF and plain-text files, not ${block.mediaType}`);
}

/** One uncached text stays a plain string (as most clients write it); anything else becomes text blocks. */
function systemParam(system: SystemText[]): string | Anthropic.TextBlockParam[] | undefined {
  if (system.length === 0) return undefined;
  const [only] = system;
  if (system.length === 1 && only && !only.cache) return only.text;
  return system.map((s) => ({ type: 'text', text: s.text, ...cacheMark(s.cache) }));
}

function toolChoiceParam(params: ChatParams): Anthropic.ToolChoice | undefined {
  const choice = toolChoiceOf(params);
  const serial = params.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === null) return params.parallel_tool_calls === false ? { type: 'auto', ...serial } : undefined;
  switch (choice.mode) {
    case 'none':
      return { type: 'none' };
    case 'auto':
      return { type: 'auto', ...serial };
    case 'required':
      return { type: 'any', ...serial };
    case 'named':
      return { type: 'tool', name: choice.name, ...serial };
  }
}

/** The Messages request for `params` (without `stream`, which the caller sets). */
export function anthropicRequest(params: ChatParams): AnthropicRequest {
  refuseUntranslatable(params, 'Anthropic', { multipleChoices: false });
  const { system, turns } = conversationOf(params.messages);
  const format = responseFormatOf(params);
  const systemTexts =
    format.type === 'json_object' ? [...system, { text: JSON_OBJECT_INSTRUCTION, cache: false }] : system;
  const tools = toolsOf(params);
  const stop = stopSequencesOf(params);
  const systemValue = systemParam(systemTexts);
  const toolChoice = tools.length > 0 ? toolChoiceParam(params) : undefined;
  const endUser = params.safety_identifier ?? params.user;
  return {
    model: params.model,
    max_tokens: maxTokensOf(params) ?? DEFAULT_MAX_TOKENS,
    messages: turns.map((turn) => ({ role: turn.role, content: turn.blocks.map(blockParam) })),
    ...(systemValue !== undefined && { system: systemValue }),
    ...(typeof params.temperature === 'number' && { temperature: params.temperature }),
    ...(typeof params.top_p === 'number' && { top_p: params.top_p }),
    ...(stop.length > 0 && { stop_sequences: stop }),
    ...(tools.length > 0 && {
      tools: tools.map((tool) => ({
        name: tool.name,
        ...(tool.description !== null && { description: tool.description }),
        input_schema: tool.parameters as Anthropic.Tool.InputSchema,
      })),
    }),
    ...(toolChoice && { tool_choice: toolChoice }),
    ...(format.type === 'json_schema' && {
      output_config: { format: { type: 'json_schema', schema: format.schema } },
    }),
    ...(endUser && { metadata: { user_id: endUser } }),
  };
}
