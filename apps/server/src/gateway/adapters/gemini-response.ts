/**
 * Gemini answers in OpenAI's shapes. Gemini has candidates (OpenAI's choices), parts (text, function calls,
 * thoughts, inline data) and one finish reason per candidate; its usage counts cached tokens INSIDE
 * `promptTokenCount` and thinking tokens apart from `candidatesTokenCount`.
 *
 * - Thought parts are not passed on (OpenAI's chat format has no place for them); their tokens are output.
 * - Gemini ends a turn of function calls with STOP; OpenAI says `tool_calls`, so a choice with calls does too.
 * - A prompt blocked before any candidate was made is one empty choice finished by `content_filter`.
 * - Function calls arrive whole (not in fragments): a stream sends each as one start and one arguments delta.
 */
import { randomUUID } from 'node:crypto';
import type { GenerateContentResponse, GenerateContentResponseUsageMetadata, Part } from '@google/genai';
import { toolCallId } from './gemini-request';
import {
  ChunkWriter,
  completionOf,
  openaiUsage,
  type ChoiceOut,
  type FinishReason,
  type ToolCallOut,
} from './sdk-output';
import { NO_USAGE, type ChatCompletion, type ChatCompletionChunk, type TokenUsage } from './types';

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** OpenAI's finish reason for a Gemini one (`hasToolCalls`: the candidate made function calls). */
export function finishReasonOf(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS' || reason === 'CONTINUATION') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** Gemini's usage as the hub bills it: cached tokens out of the prompt, tool-use prompts in, thoughts out. */
export function tokenUsageOf(usage: GenerateContentResponseUsageMetadata | undefined): TokenUsage {
  if (!usage) return NO_USAGE;
  const cached = usage.cachedContentTokenCount ?? 0;
  return {
    inputTokens: Math.max(0, (usage.promptTokenCount ?? 0) - cached) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
}

const newCallId = () => `call_${randomUUID().replaceAll('-', '')}`;

function toolCallOf(part: Part): ToolCallOut | null {
  const call = part.functionCall;
  if (!call?.name) return null;
  return {
    id: toolCallId(call.id ?? newCallId(), part.thoughtSignature),
    name: call.name,
    arguments: JSON.stringify(call.args ?? {}),
  };
}

const isAnswerText = (part: Part): part is Part & { text: string } =>
  typeof part.text === 'string' && part.thought !== true;

export function completionFromGemini(
  response: GenerateContentResponse,
  requestedModel: string,
): { completion: ChatCompletion; usage: TokenUsage } {
  const candidates = response.candidates ?? [];
  const choices: ChoiceOut[] = candidates.map((candidate) => {
    const parts = candidate.content?.parts ?? [];
    const texts = parts.filter(isAnswerText).map((p) => p.text);
    const toolCalls = parts.flatMap((p) => toolCallOf(p) ?? []);
    return {
      text: texts.length > 0 ? texts.join('') : null,
      toolCalls,
      finishReason: finishReasonOf(candidate.finishReason, toolCalls.length > 0),
    };
  });
  if (choices.length === 0) {
    choices.push({
      text: null,
      toolCalls: [],
      finishReason: response.promptFeedback?.blockReason ? 'content_filter' : 'stop',
    });
  }
  const usage = tokenUsageOf(response.usageMetadata);
  const completion = completionOf({
    id: response.responseId ?? `chatcmpl-${randomUUID()}`,
    model: response.modelVersion ?? requestedModel,
    choices,
    usage: openaiUsage(usage, response.usageMetadata?.thoughtsTokenCount ?? 0),
  });
  return { completion, usage };
}

interface CandidateState {
  toolCalls: number;
  finished: boolean;
}

/**
 * Turns the chunks of one streamGenerateContent into OpenAI chunks. Each chunk is a whole
 * GenerateContentResponse holding what is new; usage metadata is cumulative, so the last one counts.
 */
export class GeminiStreamTranslator {
  #writer: ChunkWriter | null = null;
  #usage: TokenUsage = NO_USAGE;
  readonly #candidates = new Map<number, CandidateState>();

  constructor(private readonly requestedModel: string) {}

  usage(): TokenUsage {
    return this.#usage;
  }

  /** Whether every candidate that appeared has finished (a stream cut before that is incomplete). */
  get complete(): boolean {
    return this.#candidates.size > 0 && [...this.#candidates.values()].every((c) => c.finished);
  }

  translate(response: GenerateContentResponse): ChatCompletionChunk[] {
    this.#writer ??= new ChunkWriter(
      response.responseId ?? `chatcmpl-${randomUUID()}`,
      response.modelVersion ?? this.requestedModel,
    );
    const out = this.#writer;
    if (response.usageMetadata) this.#usage = tokenUsageOf(response.usageMetadata);
    const chunks: ChatCompletionChunk[] = [];
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      chunks.push(...this.#start(out, 0), out.finish('content_filter'));
      this.#candidates.set(0, { toolCalls: 0, finished: true });
      return chunks;
    }
    for (const candidate of candidates) {
      const choice = candidate.index ?? 0;
      chunks.push(...this.#start(out, choice));
      const state = this.#candidates.get(choice) ?? { toolCalls: 0, finished: false };
      for (const part of candidate.content?.parts ?? []) {
        if (isAnswerText(part)) {
          if (part.text !== '') chunks.push(out.text(part.text, choice));
          continue;
        }
        const call = toolCallOf(part);
        if (!call) continue;
        const index = state.toolCalls++;
        chunks.push(
          out.toolCallStart(index, call.id, call.name, choice),
          out.toolCallArguments(index, call.arguments, choice),
        );
      }
      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        chunks.push(out.finish(finishReasonOf(candidate.finishReason, state.toolCalls > 0), choice));
      }
    }
    return chunks;
  }

  /** The role chunk, the first time a choice appears. */
  #start(out: ChunkWriter, choice: number): ChatCompletionChunk[] {
    if (this.#candidates.has(choice)) return [];
    this.#candidates.set(choice, { toolCalls: 0, finished: false });
    return [out.role(choice)];
  }
}
