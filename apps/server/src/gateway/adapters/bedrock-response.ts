/**
 * Bedrock Converse answers in OpenAI's shapes. Converse reports usage like Anthropic does (uncached input,
 * cache reads and cache writes apart), names no model in its answer (the requested id is used) and has no
 * message id (the AWS request id is used). Reasoning blocks are not passed on; their tokens are output.
 */
import { randomUUID } from 'node:crypto';
import type {
  ConverseCommandOutput,
  ConverseStreamOutput,
  StopReason,
  TokenUsage as BedrockUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { ChunkWriter, completionOf, openaiUsage, type FinishReason, type ToolCallOut } from './sdk-output';
import { NO_USAGE, type ChatCompletion, type ChatCompletionChunk, type TokenUsage } from './types';

export function finishReasonOf(reason: StopReason | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, malformed_model_output, malformed_tool_use.
      return 'stop';
  }
}

export function tokenUsageOf(usage: BedrockUsage | undefined): TokenUsage {
  if (!usage) return NO_USAGE;
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens: usage.cacheReadInputTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteInputTokens ?? 0,
  };
}

export function completionId(requestId: string | undefined): string {
  return `chatcmpl-${requestId ?? randomUUID()}`;
}

export function completionFromConverse(
  output: ConverseCommandOutput,
  model: string,
): { completion: ChatCompletion; usage: TokenUsage } {
  const texts: string[] = [];
  const toolCalls: ToolCallOut[] = [];
  for (const block of output.output?.message?.content ?? []) {
    if (typeof block.text === 'string') texts.push(block.text);
    if (block.toolUse?.toolUseId && block.toolUse.name) {
      toolCalls.push({
        id: block.toolUse.toolUseId,
        name: block.toolUse.name,
        arguments: JSON.stringify(block.toolUse.input ?? {}),
      });
    }
  }
  const usage = tokenUsageOf(output.usage);
  const completion = completionOf({
    id: completionId(output.$metadata.requestId),
    model,
    choices: [
      {
        text: texts.length > 0 ? texts.join('') : null,
        toolCalls,
        finishReason: finishReasonOf(output.stopReason),
      },
    ],
    usage: openaiUsage(usage),
  });
  return { completion, usage };
}

/**
 * Turns ConverseStream events into chunks. Text blocks start with their first delta; tool blocks with a
 * `contentBlockStart` naming the tool, then `toolUse.input` fragments. Usage comes last, in `metadata`.
 */
export class BedrockStreamTranslator {
  readonly #writer: ChunkWriter;
  #usage: TokenUsage = NO_USAGE;
  #toolCalls = 0;
  readonly #tools = new Map<number, { index: number; sentArguments: boolean }>();
  /** Whether `messageStop` arrived: anything less is a stream that was cut. */
  complete = false;

  constructor(requestId: string | undefined, model: string) {
    this.#writer = new ChunkWriter(completionId(requestId), model);
  }

  usage(): TokenUsage {
    return this.#usage;
  }

  translate(event: ConverseStreamOutput): ChatCompletionChunk[] {
    const out = this.#writer;
    if (event.messageStart) return [out.role()];
    if (event.contentBlockStart) {
      const toolUse = event.contentBlockStart.start?.toolUse;
      if (!toolUse?.toolUseId || !toolUse.name) return [];
      const index = this.#toolCalls++;
      this.#tools.set(event.contentBlockStart.contentBlockIndex ?? 0, { index, sentArguments: false });
      return [out.toolCallStart(index, toolUse.toolUseId, toolUse.name)];
    }
    if (event.contentBlockDelta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      if (typeof delta?.text === 'string') return delta.text ? [out.text(delta.text)] : [];
      const tool = this.#tools.get(contentBlockIndex ?? 0);
      const input = delta?.toolUse?.input;
      if (!tool || !input) return [];
      tool.sentArguments = true;
      return [out.toolCallArguments(tool.index, input)];
    }
    if (event.contentBlockStop) {
      const tool = this.#tools.get(event.contentBlockStop.contentBlockIndex ?? 0);
      if (!tool || tool.sentArguments) return [];
      tool.sentArguments = true;
      return [out.toolCallArguments(tool.index, '{}')];
    }
    if (event.messageStop) {
      this.complete = true;
      return [out.finish(finishReasonOf(event.messageStop.stopReason))];
    }
    if (event.metadata) {
      this.#usage = tokenUsageOf(event.metadata.usage);
      return [];
    }
    const exception = streamException(event);
    if (exception) throw exception;
    // An event this version does not know (Bedrock adds some from time to time): nothing to pass on.
    return [];
  }
}

/**
 * An exception member of the event union (`throttlingException`...) as the error the SDK throws for it
 * (named `ThrottlingException`...), so that one classification covers both.
 */
function streamException(event: ConverseStreamOutput): Error | null {
  const entries: [string, unknown][] = Object.entries(event);
  const found = entries.find(([key, value]) => key.endsWith('Exception') && value !== undefined);
  if (!found) return null;
  const [key, value] = found;
  const message = (value as { message?: unknown } | null)?.message;
  const error = new Error(typeof message === 'string' ? message : key);
  error.name = `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
  return error;
}
