/**
 * What the SDK-based adapters (Anthropic, Gemini, Bedrock) do with an error: one classification into an
 * `UpstreamFailure`, on top of each wire format's own `describeError` (providers/wire), so that the
 * connection test and the gateway read an SDK's errors the same way.
 *
 * The order matters: our own abort first (the SDKs report it in a dozen shapes, and a deadline must read as a
 * timeout, a client that left as `aborted`), then what the upstream answered (status), then what the socket
 * said (no status).
 */
import type { UpstreamErrorInfo } from '../../providers/wire/types';
import { secretStrings, type UpstreamCall, type UpstreamTarget } from '../../providers/upstream';
import { safeUpstreamText } from '../../providers/upstream-error';
import { DEADLINE_MESSAGE_PREFIX } from '../deadline';
import { UpstreamFailure, type ChatCompletionChunk, type UpstreamFailureKind } from './types';

export type DescribeError = (error: unknown) => UpstreamErrorInfo;

/** Whether `signal` was aborted by a deadline (rather than by a client that went away). */
export function abortedByDeadline(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  if (!(reason instanceof Error)) return false;
  return reason.message.startsWith(DEADLINE_MESSAGE_PREFIX) || reason.name === 'TimeoutError';
}

/** The failure for a call whose signal fired. */
export function abortFailure(call: UpstreamCall): UpstreamFailure {
  return abortedByDeadline(call.signal)
    ? new UpstreamFailure('timeout', `The provider did not answer within ${call.timeoutMs} ms`)
    : new UpstreamFailure('aborted', 'The request was cancelled');
}

/** An error code of the transport anywhere in the cause chain (Node's E*, undici's UND_ERR_*, ERR_HTTP2_*). */
function transportCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z0-9_]+|UND_ERR_[A-Z_]+|ERR_[A-Z0-9_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

const TIMEOUT_NAMES = /timeout/i;
const CONNECTION_NAMES = new Set(['APIConnectionError', 'FetchError']);

function kindForStatus(status: number, info: UpstreamErrorInfo): UpstreamFailureKind {
  if (info.rejected || status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  // 424: the upstream's own dependency failed (Bedrock's ModelErrorException: the model itself erred).
  if (status >= 500 || status === 424) return 'server';
  return 'bad_request';
}

/**
 * Any error thrown while calling an SDK, as an `UpstreamFailure` whose message is safe to show: the secret
 * of the target is scrubbed out, key-shaped strings are redacted.
 */
export function failureOf(
  error: unknown,
  describe: DescribeError,
  call: UpstreamCall,
  target: UpstreamTarget,
): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (call.signal.aborted) return abortFailure(call);
  const safe = (text: string) => safeUpstreamText(text, secretStrings(target.secret));
  const info = describe(error);
  if (info.status !== null) {
    return new UpstreamFailure(
      kindForStatus(info.status, info),
      safe(`${info.status}: ${info.message}`),
      info.status,
      info.retryAfterSeconds ?? null,
    );
  }
  // Stainless SDK errors keep the name 'Error'; their class says what they are.
  const name = error instanceof Error ? (error.name === 'Error' ? error.constructor.name : error.name) : '';
  const code = transportCode(error);
  // Our own signal did not fire, so an AbortError is the SDK's own timer (Gemini's per-attempt timeout).
  const timedOut = TIMEOUT_NAMES.test(name) || name === 'AbortError' || code === 'ETIMEDOUT';
  if (timedOut || (code !== null && TIMEOUT_NAMES.test(code))) {
    return new UpstreamFailure('timeout', safe(`The provider did not answer in time (${code ?? name})`));
  }
  if (code !== null || CONNECTION_NAMES.has(name)) {
    return new UpstreamFailure('connection', safe(`Could not reach the provider (${code ?? info.message})`));
  }
  // Neither an answer nor a socket error: the SDK itself failed (an unreadable body, an internal error).
  return new UpstreamFailure('server', safe(`The provider call failed: ${info.message}`));
}

/**
 * An AbortController that follows the call's signal, so that an adapter can also abort the upstream request
 * itself (the consumer of a stream stopped early). `dispose` removes the listener once the call is over.
 */
export function linkedAbort(signal: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  return { controller, dispose: () => signal.removeEventListener('abort', follow) };
}

/** A refusal of something the provider has no equivalent for; the client gets a 400 naming it. */
export function unsupported(what: string): UpstreamFailure {
  return new UpstreamFailure('unsupported', what);
}

/** The client sent something that cannot be translated as it stands (malformed, not merely unsupported). */
export function badRequest(what: string): UpstreamFailure {
  return new UpstreamFailure('bad_request', what);
}

/** What the SDK adapters' stream translators have in common. */
export interface StreamTranslator<E> {
  translate(event: E): ChatCompletionChunk[];
  /** Whether the upstream's answer ended properly (a stream cut before that is incomplete). */
  readonly complete: boolean;
}

/**
 * An SDK's event stream as OpenAI chunks. A stream that ends before the answer is complete, or because the
 * request was aborted, fails with the right kind; an error becomes an UpstreamFailure through `fail`. When
 * the consumer stops early, or anything goes wrong, the upstream request is aborted: the SDKs release their
 * connection only when iteration stops, and it must not run on. `release` frees anything else the call held.
 */
export async function* translatedStream<E>(
  stream: AsyncIterable<E>,
  translator: StreamTranslator<E>,
  abort: ReturnType<typeof linkedAbort>,
  call: UpstreamCall,
  fail: (error: unknown) => UpstreamFailure,
  release: () => void = () => undefined,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    for await (const event of stream) yield* translator.translate(event);
    // The SDKs end the iteration quietly when the request is aborted: say why it ended.
    if (call.signal.aborted) throw abortFailure(call);
    if (!translator.complete)
      throw new UpstreamFailure('server', 'The provider ended the stream before the answer was complete');
  } catch (error) {
    throw fail(error);
  } finally {
    if (!translator.complete) abort.controller.abort(new Error('The stream was abandoned'));
    abort.dispose();
    release();
  }
}
