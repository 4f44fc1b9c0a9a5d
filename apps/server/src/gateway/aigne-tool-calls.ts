/**
 * Tool calls for the AIGNE dialects. OpenAI streams a tool call in pieces (an `index`, then the id and name,
 * then the arguments as fragments of a JSON string); both AIGNE dialects want each call whole, so the pieces
 * are collected here and handed over once the stream is done.
 */
import type { ChatCompletionChunk } from './adapters/types';

/** One finished tool call, its arguments still the JSON text the model wrote. */
export interface CollectedToolCall {
  id: string;
  name: string;
  arguments: string;
}

type ToolCallDelta = NonNullable<NonNullable<ChatCompletionChunk['choices'][number]>['delta']['tool_calls']>;

export class ToolCallCollector {
  readonly #calls = new Map<number, CollectedToolCall>();

  /** Adds the tool-call pieces of one streamed delta. */
  push(deltas: ToolCallDelta | null | undefined): void {
    for (const delta of deltas ?? []) {
      const call = this.#calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
      if (delta.id) call.id = delta.id;
      // Names arrive whole in practice, but the format allows fragments like the arguments.
      if (delta.function?.name) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
      this.#calls.set(delta.index, call);
    }
  }

  /** The calls in index order; a call the provider sent without an id gets a stable one. */
  calls(): CollectedToolCall[] {
    return [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }
}

/**
 * A tool call's arguments as the object the AIGNE framework expects. Empty or unparsable arguments (or JSON
 * that is not an object) become `{}`: the framework then validates them against the tool's parameter schema
 * and reports a missing argument as a structured-output error, which it retries, instead of the whole call
 * failing on the hub side.
 */
export function parseToolArguments(text: string): Record<string, unknown> {
  const parsed = parseJsonObject(text);
  return parsed ?? {};
}

/** `text` parsed as a JSON object, or null when it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
