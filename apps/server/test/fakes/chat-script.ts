/**
 * Scripting the inference routes of the fake providers (Anthropic, Gemini, Bedrock), in provider-neutral
 * terms: a test says WHAT the next answer is (text pieces, tool calls with argument fragments, the finish, the
 * usage, an error, a stall or a cut) and each fake renders it in its own real wire format (JSON, SSE, AWS
 * event stream). The gateway's tests can therefore script any provider the same way.
 *
 * Also here: watching for a client that goes away in the middle of a stream (how tests prove that breaking
 * out of an iteration aborts the upstream request), and deterministic embeddings and images, so that tests
 * compute the expected vectors and bytes instead of hard-coding them.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeRequest } from './fake-upstream';

export interface ScriptedToolCall {
  /** The provider's id for the call (a fake one is made up when absent). */
  id?: string;
  name: string;
  /** The JSON arguments, streamed as these fragments (joined, they must be a JSON object). */
  arguments: string[];
  /** Gemini only: the thought signature sent along with the call. */
  signature?: string;
}

export interface ScriptedUsage {
  /** Prompt tokens billed at the input rate (not counting the cache). */
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Gemini only: thinking tokens (billed as output, reported apart). */
  thoughts?: number;
}

export type NeutralFinish = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What happens part-way through a streamed answer. */
export type StreamInterruption =
  /** The connection is destroyed (a reset). */
  | 'cut'
  /** Nothing more is sent; the response stays open until the client goes away. */
  | 'stall'
  /** The response ends cleanly but without the provider's final event. */
  | 'end'
  /** The provider's in-stream error event (an overload, a throttle), then the end. */
  | { errorStatus: number; message?: string };

export interface ChatScript {
  /** The answer's text, one streamed event per piece. */
  text?: string[];
  toolCalls?: ScriptedToolCall[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finish?: NeutralFinish;
  /** The provider's own finish/stop reason, for reasons the neutral names do not cover (wins over `finish`). */
  nativeFinish?: string;
  usage?: ScriptedUsage;
  /** The model the answer names (default: the one requested). */
  model?: string;
  /** Gemini image models: images returned as inline data parts. */
  images?: { mimeType: string; data: string }[];
  /** Answer with this HTTP error, in the provider's real error body, instead. */
  error?: { status: number; message?: string; retryAfterSeconds?: number };
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Streaming: wait this long between events (a slow but steady answer). */
  eventGapMs?: number;
  /** Streaming: interrupt the stream after this many events. */
  interrupt?: { afterEvents: number; then: StreamInterruption };
}

/** What a fake answers when a test scripted nothing. */
export const DEFAULT_CHAT_SCRIPT: Readonly<ChatScript> = Object.freeze({
  text: ['Hello', ' from the fake'],
  usage: { input: 12, output: 4 },
});

export function finishOf(script: ChatScript): NeutralFinish {
  return script.finish ?? ((script.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

export function fullText(script: ChatScript): string {
  return (script.text ?? []).join('');
}

export function toolArguments(call: ScriptedToolCall): Record<string, unknown> {
  const joined = call.arguments.join('');
  return joined === '' ? {} : (JSON.parse(joined) as Record<string, unknown>);
}

/** A FIFO of scripted answers; an empty queue answers with `DEFAULT_CHAT_SCRIPT`. */
export class ScriptQueue {
  readonly #queue: ChatScript[] = [];

  push(...scripts: ChatScript[]): void {
    this.#queue.push(...scripts);
  }

  next(): ChatScript {
    return this.#queue.shift() ?? DEFAULT_CHAT_SCRIPT;
  }

  clear(): void {
    this.#queue.length = 0;
  }

  get pending(): number {
    return this.#queue.length;
  }
}

/**
 * Counts streamed responses the client abandoned (closed before the fake finished writing), and lets a test
 * wait for the next one: the observable proof that an adapter aborted its upstream request.
 */
export class DisconnectWatch {
  count = 0;
  #waiters: (() => void)[] = [];
  readonly #cutByFake = new WeakSet<ServerResponse>();

  /**
   * Resolves once more than `seen` streams were abandoned. Read `count` BEFORE the action that should abandon
   * a stream and pass it here: a close that already happened is then not missed.
   */
  next(seen = this.count): Promise<void> {
    if (this.count > seen) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  watch(res: ServerResponse): void {
    res.once('close', () => {
      if (res.writableFinished || this.#cutByFake.has(res)) return;
      this.count += 1;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** Back to zero (the fakes' `reset()` calls this). */
  reset(): void {
    this.count = 0;
  }

  /** The fake itself is about to cut `res` (a scripted cut is not the client going away). */
  cutting(res: ServerResponse): void {
    this.#cutByFake.add(res);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Writes `frames` one by one (each its own write, with a turn of the event loop between them so that they
 * reach the client as separate reads), applying the script's interruption. Resolves when done.
 */
export async function playStream(
  res: ServerResponse,
  frames: readonly (string | Uint8Array)[],
  options: {
    interrupt: ChatScript['interrupt'];
    errorFrame: (status: number, message: string) => string | Uint8Array;
    watch: DisconnectWatch;
    gapMs?: number;
  },
): Promise<void> {
  const { interrupt, errorFrame, watch, gapMs } = options;
  watch.watch(res);
  for (const [index, frame] of frames.entries()) {
    if (res.destroyed) return;
    if (interrupt && index === interrupt.afterEvents) {
      const then = interrupt.then;
      if (then === 'cut') {
        watch.cutting(res);
        res.destroy();
        return;
      }
      if (then === 'stall') {
        await new Promise<void>((resolve) => res.once('close', () => resolve()));
        return;
      }
      if (then !== 'end') res.write(errorFrame(then.errorStatus, then.message ?? 'Injected stream error'));
      res.end();
      return;
    }
    res.write(frame);
    await (gapMs ? sleep(gapMs) : new Promise((resolve) => setImmediate(resolve)));
  }
  res.end();
}

/** The request body as JSON (the fakes' routes and the tests both read bodies this way). */
export function jsonBody<T = Record<string, unknown>>(request: FakeRequest): T {
  return JSON.parse(request.body.toString('utf8')) as T;
}

/** A deterministic pseudo-embedding of `text` with `dims` values in [-1, 1) (6 decimals, float32-exact enough). */
export function fakeEmbedding(text: string, dims: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dims; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 2 <= digest.length && values.length < dims; i += 2) {
      values.push(Math.round((digest.readUInt16BE(i) / 32768 - 1) * 1e6) / 1e6);
    }
  }
  return values;
}

/** Deterministic stand-in image bytes for `prompt` (image number `index`), base64. */
export function fakeImageBase64(prompt: string, index: number): string {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([png, createHash('sha256').update(`${index}:${prompt}`).digest()]).toString('base64');
}
