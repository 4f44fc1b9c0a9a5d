/**
 * Helpers for the SDK adapters' tests (anthropic/gemini/bedrock *.test.ts): calls with a controllable signal,
 * draining a stream, and catching the `UpstreamFailure` a call ends with. Not used by production code.
 */
import net, { type AddressInfo } from 'node:net';
import { DEADLINE_MESSAGE_PREFIX } from '../deadline';
import { UpstreamFailure, type ChatCompletionChunk, type ChatStream } from './types';

/** A call bounded by `timeoutMs`, with the controller to abort it as a client (or, with `deadline`, a timer) would. */
export function controlledCall(timeoutMs = 5_000) {
  const controller = new AbortController();
  return {
    call: { signal: controller.signal, timeoutMs },
    /** The client went away. */
    cancel: () => controller.abort(new Error('The client went away')),
    /** The deadline fired (the gateway's Deadline aborts with this message). */
    expire: () => controller.abort(new Error(`${DEADLINE_MESSAGE_PREFIX} within ${timeoutMs} ms`)),
  };
}

export async function drain(stream: ChatStream): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream.chunks) chunks.push(chunk);
  return chunks;
}

/** The UpstreamFailure `promise` rejects with (fails the test if it resolves or rejects with anything else). */
export async function failureFrom(promise: Promise<unknown>): Promise<UpstreamFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamFailure) return error;
    throw new Error(`expected an UpstreamFailure, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an UpstreamFailure, but the call succeeded');
}

/** Rejects if `promise` does not settle within `ms` (for waiting on a fake's observation). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A local port nothing listens on (a server is opened on it, then closed): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
