/**
 * Writing answers in OpenAI's shapes, shared by the SDK-based adapters: the `chat.completion` object, the
 * `chat.completion.chunk`s of a stream (with OpenAI's conventions for where role, tool-call ids and finish
 * reasons go), usage, and embeddings encoded as OpenAI encodes them.
 */
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, TokenUsage } from './types';

export type FinishReason = OpenAI.Chat.ChatCompletion.Choice['finish_reason'];

export interface ToolCallOut {
  id: string;
  name: string;
  /** JSON text, as OpenAI sends it. */
  arguments: string;
}

export interface ChoiceOut {
  /** Null when the answer has no text (only tool calls, or nothing). */
  text: string | null;
  toolCalls: ToolCallOut[];
  finishReason: FinishReason;
}

/**
 * OpenAI's usage: `prompt_tokens` counts every prompt token, cached or not (the breakdown is in
 * `prompt_tokens_details`); `completion_tokens` includes reasoning tokens.
 */
export function openaiUsage(usage: TokenUsage, reasoningTokens = 0): OpenAI.CompletionUsage {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cacheReadTokens,
      cache_write_tokens: usage.cacheWriteTokens,
    },
    ...(reasoningTokens > 0 && { completion_tokens_details: { reasoning_tokens: reasoningTokens } }),
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function completionOf(options: {
  id: string;
  model: string;
  choices: ChoiceOut[];
  usage: OpenAI.CompletionUsage;
}): ChatCompletion {
  return {
    id: options.id,
    object: 'chat.completion',
    created: nowSeconds(),
    model: options.model,
    choices: options.choices.map((choice, index) => ({
      index,
      message: {
        role: 'assistant',
        content: choice.text,
        refusal: null,
        ...(choice.toolCalls.length > 0 && {
          tool_calls: choice.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        }),
      },
      finish_reason: choice.finishReason,
      logprobs: null,
    })),
    usage: options.usage,
  };
}

/**
 * Builds the chunks of one streamed answer. OpenAI's conventions: the first chunk of a choice carries
 * `role: 'assistant'` (and empty content); a tool call's first delta carries its `index`, `id`, `type` and
 * name with empty arguments, later deltas only the index and an arguments fragment; the last chunk of a
 * choice has an empty delta and the finish reason.
 */
export class ChunkWriter {
  readonly created = nowSeconds();

  constructor(
    readonly id: string,
    readonly model: string,
  ) {}

  #chunk(
    choice: number,
    delta: OpenAI.Chat.ChatCompletionChunk.Choice.Delta,
    finish: FinishReason | null = null,
  ) {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: choice, delta, finish_reason: finish, logprobs: null }],
    };
    return chunk;
  }

  role(choice = 0): ChatCompletionChunk {
    return this.#chunk(choice, { role: 'assistant', content: '' });
  }

  text(text: string, choice = 0): ChatCompletionChunk {
    return this.#chunk(choice, { content: text });
  }

  toolCallStart(index: number, id: string, name: string, choice = 0): ChatCompletionChunk {
    return this.#chunk(choice, {
      tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }],
    });
  }

  toolCallArguments(index: number, fragment: string, choice = 0): ChatCompletionChunk {
    return this.#chunk(choice, { tool_calls: [{ index, function: { arguments: fragment } }] });
  }

  finish(reason: FinishReason, choice = 0): ChatCompletionChunk {
    return this.#chunk(choice, {}, reason);
  }
}

/** Float32 little-endian bytes in base64: what OpenAI returns for `encoding_format: 'base64'`. */
export function float32Base64(values: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return Buffer.from(view.buffer).toString('base64');
}

/**
 * One OpenAI embedding object. For base64 the `embedding` field holds the string (the SDK's type only knows
 * the float form; OpenAI's own SDK decodes the string on the client side).
 */
export function embeddingOf(
  index: number,
  values: readonly number[],
  format: 'float' | 'base64' | undefined,
): OpenAI.Embedding {
  const embedding = format === 'base64' ? (float32Base64(values) as unknown as number[]) : [...values];
  return { object: 'embedding', index, embedding };
}

/** The embedding inputs as strings; token-id arrays mean nothing to another provider's tokenizer. */
export function embeddingInputs(input: OpenAI.EmbeddingCreateParams['input']): string[] | null {
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  return null;
}

/** `WIDTHxHEIGHT` as numbers, or null for 'auto', absent or malformed sizes. */
export function imageSizeOf(size: string | null | undefined): { width: number; height: number } | null {
  const match = /^(\d+)x(\d+)$/.exec(size ?? '');
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}
