/**
 * An OpenAI chat request as a Bedrock Converse request (the same input serves Converse and ConverseStream).
 * Converse is Bedrock's model-neutral chat API: one translation covers Claude, Llama, Mistral, Nova and the
 * rest; what a model cannot do, Bedrock refuses with a ValidationException the client sees as a 400.
 *
 * Decisions a reader must know:
 * - Images and files travel as bytes (Converse takes no URLs; S3 locations are the account's own), so an
 *   http(s) image URL is refused; audio input is refused (Converse has no audio block).
 * - `prompt_cache_breakpoint` becomes a `cachePoint` block right after the marked block.
 * - `response_format: json_schema` is native structured output (`outputConfig.textFormat`, the schema as a
 *   JSON string); `json_object` is an instruction appended to the system prompt, as for Anthropic.
 * - `tool_choice: 'none'` has no Converse equivalent: the tools are left out, which is the same thing, unless
 *   the conversation already holds tool calls (Converse then requires the tool list) and it is refused.
 * - `user` is not sent: Converse's nearest field, `requestMetadata`, only labels invocation logs and refuses
 *   many characters an OpenAI user id may hold. Penalties, seed, logit_bias: no Converse equivalent.
 */
import type {
  ContentBlock,
  ConverseStreamCommandInput,
  DocumentFormat,
  ImageFormat,
  SystemContentBlock,
  ToolChoice,
  ToolInputSchema,
} from '@aws-sdk/client-bedrock-runtime';
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
} from './sdk-conversation';
import { unsupported } from './sdk-failure';
import type { ChatParams } from './types';

/** The input of both ConverseCommand and ConverseStreamCommand (they take the same fields). */
export type ConverseInput = ConverseStreamCommandInput;

const CACHE_POINT = { cachePoint: { type: 'default' } } as const;

const IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Readonly<Record<string, DocumentFormat>> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/csv': 'csv',
  'text/html': 'html',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

/** Smithy's JSON document type (what Converse takes for tool inputs and schemas). */
type JsonDocument = ToolInputSchema.JsonMember['json'];
const document = (value: Record<string, unknown>) => value as JsonDocument;

/**
 * A document name Converse accepts: letters, digits, single spaces, hyphens, parentheses and square brackets
 * (the extension, whose dot it refuses, is dropped; the format says the type).
 */
export function documentName(filename: string | null, index: number): string {
  const stem = (filename ?? '').replace(/\.[^.]*$/, '');
  const cleaned = stem
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned || `document ${index + 1}`;
}

function contentBlocks(block: Block, documentIndex: () => number): ContentBlock[] {
  switch (block.type) {
    case 'text':
      return block.cache ? [{ text: block.text }, CACHE_POINT] : [{ text: block.text }];
    case 'image': {
      if (block.source.kind === 'url') {
        throw unsupported('Bedrock takes images as bytes, not links: send the image as a base64 data: URL');
      }
      const format = IMAGE_FORMATS[block.source.mediaType];
      if (!format)
        throw unsupported(`Bedrock reads PNG, JPEG, GIF and WebP images, not ${block.source.mediaType}`);
      const image: ContentBlock = { image: { format, source: { bytes: bytes(block.source.data) } } };
      return block.cache ? [image, CACHE_POINT] : [image];
    }
    case 'audio':
      throw unsupported('audio input is not supported by Bedrock Converse');
    case 'file': {
      const format = DOCUMENT_FORMATS[block.mediaType];
      if (!format) throw unsupported(`Bedrock does not read ${block.mediaType} documents`);
      const document: ContentBlock = {
        document: {
          format,
          name: documentName(block.filename, documentIndex()),
          source: { bytes: bytes(block.data) },
        },
      };
      return block.cache ? [document, CACHE_POINT] : [document];
    }
    case 'tool_call':
      return [{ toolUse: { toolUseId: block.id, name: block.name, input: document(block.input) } }];
    case 'tool_result': {
      const result: ContentBlock = {
        toolResult: { toolUseId: block.callId, content: block.texts.map((text) => ({ text })) },
      };
      return block.cache ? [result, CACHE_POINT] : [result];
    }
  }
}

function toolChoiceOfParams(params: ChatParams): ToolChoice | undefined {
  const choice = toolChoiceOf(params);
  if (choice === null) return undefined;
  if (choice.mode === 'named') return { tool: { name: choice.name } };
  if (choice.mode === 'auto') return { auto: {} };
  return choice.mode === 'required' ? { any: {} } : undefined;
}

/** The Converse input for `params`. */
export function converseInput(params: ChatParams): ConverseInput {
  refuseUntranslatable(params, 'Bedrock', { multipleChoices: false });
  const { system, turns } = conversationOf(params.messages);
  const format = responseFormatOf(params);
  let documents = 0;
  const nextDocument = () => documents++;
  const messages = turns.map((turn) => ({
    role: turn.role,
    content: turn.blocks.flatMap((block) => contentBlocks(block, nextDocument)),
  }));
  const systemBlocks: SystemContentBlock[] = system.flatMap((s) =>
    s.cache ? [{ text: s.text }, CACHE_POINT] : [{ text: s.text }],
  );
  if (format.type === 'json_object') systemBlocks.push({ text: JSON_OBJECT_INSTRUCTION });

  const tools = toolsOf(params);
  const noTools = toolChoiceOf(params)?.mode === 'none';
  const historyHasTools = turns.some((t) =>
    t.blocks.some((b) => b.type === 'tool_call' || b.type === 'tool_result'),
  );
  if (noTools && tools.length > 0 && historyHasTools) {
    throw unsupported(
      'Bedrock cannot forbid tool use once the conversation holds tool calls (tool_choice "none")',
    );
  }
  const toolChoice = toolChoiceOfParams(params);
  const maxTokens = maxTokensOf(params);
  const stop = stopSequencesOf(params);
  const inference = {
    ...(maxTokens !== null && { maxTokens }),
    ...(typeof params.temperature === 'number' && { temperature: params.temperature }),
    ...(typeof params.top_p === 'number' && { topP: params.top_p }),
    ...(stop.length > 0 && { stopSequences: stop }),
  };
  return {
    modelId: params.model,
    messages,
    ...(systemBlocks.length > 0 && { system: systemBlocks }),
    ...(Object.keys(inference).length > 0 && { inferenceConfig: inference }),
    ...(tools.length > 0 &&
      !noTools && {
        toolConfig: {
          tools: tools.map((tool) => ({
            toolSpec: {
              name: tool.name,
              ...(tool.description !== null && { description: tool.description }),
              inputSchema: { json: document(tool.parameters) },
            },
          })),
          ...(toolChoice && { toolChoice }),
        },
      }),
    ...(format.type === 'json_schema' && {
      outputConfig: {
        textFormat: {
          type: 'json_schema',
          structure: {
            jsonSchema: {
              schema: JSON.stringify(format.schema),
              name: format.name,
              ...(format.description !== null && { description: format.description }),
            },
          },
        },
      },
    }),
  };
}
