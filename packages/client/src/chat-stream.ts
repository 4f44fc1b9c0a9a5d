/**
 * `chatStream`: the hub's SSE completion stream as an async iterable of small deltas, plus the whole answer and
 * its usage once the stream has ended.
 *
 * Semantics a caller can rely on:
 * - Nothing is requested until the stream is iterated (or `final` / `usage` is awaited, which reads it to the
 *   end). It can be read once.
 * - A refusal before the stream starts (401, 402, 429...) and an `error` event inside it both reject the
 *   iteration with the typed error; so does a stream that stops without the hub's `[DONE]`.
 * - Leaving the loop early (`break`) or aborting the signal closes the connection; the hub then stops the
 *   upstream call and bills only what was produced.
 * - `final` and `usage` never cause an unhandled rejection when nobody awaits them.
 */
import {
  chatBody,
  usageOf,
  type ChatRequest,
  type ChatResult,
  type FinishReason,
  type ToolCall,
  type Usage,
} from './chat';
import { HubClientError, isGatewayErrorBody, streamError } from './errors';
import { invalidResponse, networkError, send, type CallOptions, type Transport } from './http';
import { readSse } from './sse';

/** A fragment of a tool call: `index` tells calls apart; `id` and `name` come first, `arguments` grows. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** One step of a streamed answer. Only the fields the step carries are present. */
export interface ChatDelta {
  /** Text to append to the answer. */
  content?: string;
  toolCalls?: ToolCallDelta[];
  /** Present on the last delta of the answer. */
  finishReason?: FinishReason;
}

export interface ChatStream extends AsyncIterable<ChatDelta> {
  /** The whole answer (text, assembled tool calls, finish reason, usage) once the stream has ended. */
  readonly final: Promise<ChatResult>;
  /** The tokens the call used (the hub's final usage chunk), once the stream has ended. */
  readonly usage: Promise<Usage>;
}

export function createChatStream(
  transport: Transport,
  request: ChatRequest,
  options: CallOptions = {},
): ChatStream {
  return new HubChatStream(transport, request, options);
}

class HubChatStream implements ChatStream {
  readonly final: Promise<ChatResult>;
  readonly usage: Promise<Usage>;
  #settle!: { resolve(result: ChatResult): void; reject(error: unknown): void };
  #started = false;

  constructor(
    private readonly transport: Transport,
    private readonly request: ChatRequest,
    private readonly options: CallOptions,
  ) {
    const final = new Promise<ChatResult>((resolve, reject) => (this.#settle = { resolve, reject }));
    // Awaiting `final` or `usage` without iterating reads the stream to its end.
    this.final = WaitHookPromise.from(final, () => this.#drain());
    this.usage = WaitHookPromise.from(
      final.then((result) => result.usage),
      () => this.#drain(),
    );
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatDelta> {
    if (this.#started) throw new Error('A chat stream can be read only once');
    this.#started = true;
    return this.#run();
  }

  #drain(): void {
    if (this.#started) return;
    void (async () => {
      for await (const _ of this); // errors reach `final`
    })().catch(() => undefined);
  }

  async *#run(): AsyncGenerator<ChatDelta, void, undefined> {
    const closer = new AbortController();
    const signal = this.options.signal
      ? AbortSignal.any([this.options.signal, closer.signal])
      : closer.signal;
    const answer = new AnswerBuilder();
    let ended = false;
    try {
      const response = await send(
        this.transport,
        'POST',
        '/api/v1/chat/completions',
        chatBody(this.request, true),
        {
          signal,
          accept: 'text/event-stream',
        },
      );
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (!response.body || !/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')) {
        throw invalidResponse(response, 'a chat stream that is not an event stream');
      }
      let done = false;
      try {
        for await (const event of readSse(response.body)) {
          if (event.data === '[DONE]') {
            done = true;
            break;
          }
          let chunk: unknown;
          try {
            chunk = JSON.parse(event.data);
          } catch {
            throw invalidResponse(response, 'a stream event that is not JSON');
          }
          if (isGatewayErrorBody(chunk)) throw streamError(chunk, requestId);
          const delta = answer.add(chunk);
          if (delta) yield delta;
        }
      } catch (error) {
        if (error instanceof HubClientError) throw error;
        throw networkError(this.transport, error, this.options.signal);
      }
      if (!done) {
        throw new HubClientError('The chat stream ended before it was complete', {
          status: response.status,
          code: 'incomplete_stream',
          requestId,
        });
      }
      const result = answer.result();
      if (!result) throw invalidResponse(response, 'a chat stream without its usage chunk');
      ended = true;
      this.#settle.resolve(result);
    } catch (error) {
      ended = true;
      this.#settle.reject(error);
      throw error;
    } finally {
      if (!ended) {
        // The consumer left the loop early.
        this.#settle.reject(
          new HubClientError('The chat stream was closed before it ended', { code: 'stream_closed' }),
        );
      }
      closer.abort();
    }
  }
}

/**
 * A promise that calls `onWait` the first time somebody waits for it (`await`, `then`, `catch`, `finally`).
 * `await` on a plain Promise never calls a `then` property, but on a subclass it must (ECMA-262
 * PromiseResolve), so this is what lets `await stream.final` start reading a stream nobody iterates.
 * It never reports an unhandled rejection: whoever waits gets the error.
 */
class WaitHookPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #onWait: (() => void) | undefined;

  static from<T>(inner: Promise<T>, onWait: () => void): WaitHookPromise<T> {
    const promise = new WaitHookPromise<T>((resolve, reject) => void inner.then(resolve, reject));
    promise.#onWait = onWait;
    // Marks it handled without counting as a wait.
    void Promise.prototype.then.call(promise, undefined, () => undefined);
    return promise;
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const onWait = this.#onWait;
    this.#onWait = undefined;
    onWait?.();
    return super.then(onFulfilled, onRejected);
  }
}

/** Turns chunks into deltas and keeps what `final` needs. */
class AnswerBuilder {
  #id = '';
  #model = '';
  #content: string[] = [];
  #toolCalls: ToolCall[] = [];
  #finishReason: FinishReason | null = null;
  #usage: Usage | null = null;

  add(chunk: unknown): ChatDelta | null {
    if (typeof chunk !== 'object' || chunk === null) return null;
    const { id, model, choices, usage } = chunk as Record<string, unknown>;
    if (typeof id === 'string') this.#id = id;
    if (typeof model === 'string') this.#model = model;
    const parsedUsage = usageOf(usage);
    if (parsedUsage) this.#usage = parsedUsage;
    const choice = Array.isArray(choices)
      ? (choices as unknown[]).find(
          (c) => (c as { index?: unknown } | null)?.index === 0 || choices.length === 1,
        )
      : undefined;
    if (typeof choice !== 'object' || choice === null) return null;
    const { delta, finish_reason: finish } = choice as { delta?: unknown; finish_reason?: unknown };
    const out: ChatDelta = {};
    if (typeof delta === 'object' && delta !== null) {
      const { content, tool_calls: calls } = delta as { content?: unknown; tool_calls?: unknown };
      if (typeof content === 'string' && content !== '') {
        out.content = content;
        this.#content.push(content);
      }
      if (Array.isArray(calls)) {
        const fragments = calls.map((call) => this.#toolCall(call)).filter((f) => f !== null);
        if (fragments.length > 0) out.toolCalls = fragments;
      }
    }
    if (typeof finish === 'string') {
      out.finishReason = finish;
      this.#finishReason = finish;
    }
    return Object.keys(out).length > 0 ? out : null;
  }

  #toolCall(call: unknown): ToolCallDelta | null {
    if (typeof call !== 'object' || call === null) return null;
    const { index, id, function: fn } = call as { index?: unknown; id?: unknown; function?: unknown };
    if (typeof index !== 'number') return null;
    const { name, arguments: args } = (typeof fn === 'object' && fn !== null ? fn : {}) as {
      name?: unknown;
      arguments?: unknown;
    };
    const fragment: ToolCallDelta = { index };
    const assembled = (this.#toolCalls[index] ??= { id: '', name: '', arguments: '' });
    if (typeof id === 'string' && id !== '') assembled.id = fragment.id = id;
    if (typeof name === 'string' && name !== '') assembled.name = fragment.name = name;
    if (typeof args === 'string' && args !== '') {
      fragment.arguments = args;
      assembled.arguments += args;
    }
    return fragment;
  }

  /** The whole answer; null until the usage chunk has arrived. */
  result(): ChatResult | null {
    if (!this.#usage) return null;
    const content = this.#content.length > 0 ? this.#content.join('') : null;
    const toolCalls = this.#toolCalls.filter((call) => call !== undefined);
    return {
      id: this.#id,
      model: this.#model,
      content,
      toolCalls,
      finishReason: this.#finishReason,
      usage: this.#usage,
      message: { role: 'assistant', content, ...(toolCalls.length > 0 && { toolCalls }) },
    };
  }
}
