/**
 * Anthropic answers in OpenAI's shapes: a `Message` as a `chat.completion`, the events of a Messages stream
 * as `chat.completion.chunk`s. Thinking blocks are not passed on (OpenAI's chat format has no place for them;
 * their tokens are still in the output count). Anthropic reports prompt tokens in three parts (uncached
 * input, cache reads, cache writes), which is exactly how the hub bills them.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ChunkWriter, completionOf, openaiUsage, type FinishReason, type ToolCallOut } from './sdk-output';
import { NO_USAGE, type ChatCompletion, type ChatCompletionChunk, type TokenUsage } from './types';

type StopReason = Anthropic.StopReason | null;

export function finishReasonOf(reason: StopReason): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn (server tools, which the hub does not send), or none.
      return 'stop';
  }
}

interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

export function tokenUsageOf(usage: AnthropicUsageFields): TokenUsage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

export function completionFromMessage(message: Anthropic.Message): {
  completion: ChatCompletion;
  usage: TokenUsage;
} {
  const texts: string[] = [];
  const toolCalls: ToolCallOut[] = [];
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const usage = tokenUsageOf(message.usage);
  const completion = completionOf({
    id: message.id,
    model: message.model,
    choices: [
      {
        text: texts.length > 0 ? texts.join('') : null,
        toolCalls,
        finishReason: finishReasonOf(message.stop_reason),
      },
    ],
    usage: openaiUsage(usage),
  });
  return { completion, usage };
}

/**
 * Turns the events of one Messages stream into chunks. Content blocks are numbered across text and tool use;
 * OpenAI numbers tool calls on their own, so each tool_use block gets the next tool-call index. A tool whose
 * arguments were empty gets `{}` (OpenAI clients parse the arguments, and '' is not JSON).
 */
export class AnthropicStreamTranslator {
  #writer: ChunkWriter | null = null;
  #usage: TokenUsage = NO_USAGE;
  #stopReason: StopReason = null;
  #toolCalls = 0;
  readonly #tools = new Map<number, { index: number; sentArguments: boolean }>();
  /** Whether `message_stop` arrived: anything less is a stream that was cut. */
  complete = false;

  constructor(private readonly fallbackModel: string) {}

  usage(): TokenUsage {
    return this.#usage;
  }

  #out(): ChunkWriter {
    this.#writer ??= new ChunkWriter(`msg_unknown`, this.fallbackModel);
    return this.#writer;
  }

  translate(event: Anthropic.RawMessageStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.#writer = new ChunkWriter(event.message.id, event.message.model);
        this.#usage = tokenUsageOf(event.message.usage);
        return [this.#writer.role()];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') return block.text ? [this.#out().text(block.text)] : [];
        if (block.type !== 'tool_use') return [];
        const index = this.#toolCalls++;
        this.#tools.set(event.index, { index, sentArguments: false });
        return [this.#out().toolCallStart(index, block.id, block.name)];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') return delta.text ? [this.#out().text(delta.text)] : [];
        const tool = this.#tools.get(event.index);
        if (delta.type !== 'input_json_delta' || !tool || delta.partial_json === '') return [];
        tool.sentArguments = true;
        return [this.#out().toolCallArguments(tool.index, delta.partial_json)];
      }
      case 'content_block_stop': {
        const tool = this.#tools.get(event.index);
        if (!tool || tool.sentArguments) return [];
        tool.sentArguments = true;
        return [this.#out().toolCallArguments(tool.index, '{}')];
      }
      case 'message_delta': {
        this.#stopReason = event.delta.stop_reason;
        // The counts in message_delta are cumulative; fields it leaves out keep message_start's values.
        const u = event.usage;
        this.#usage = {
          inputTokens: u.input_tokens ?? this.#usage.inputTokens,
          outputTokens: u.output_tokens,
          cacheReadTokens: u.cache_read_input_tokens ?? this.#usage.cacheReadTokens,
          cacheWriteTokens: u.cache_creation_input_tokens ?? this.#usage.cacheWriteTokens,
        };
        return [];
      }
      case 'message_stop':
        this.complete = true;
        return [this.#out().finish(finishReasonOf(this.#stopReason))];
    }
  }
}
