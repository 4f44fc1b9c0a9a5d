/**
 * The OpenAI wire format (OpenAI, DeepSeek, xAI, OpenRouter, Ollama, any OpenAI-compatible endpoint).
 *
 * The client already speaks this format, so the request is forwarded as the client wrote it (only `model`
 * replaced, and `stream_options.include_usage` forced on so that every stream can be metered), and the answer
 * is passed back chunk by chunk. This is deliberately not the `openai` SDK: there is nothing to translate, and
 * an SDK round trip would parse, re-validate and drop fields the upstream supports but the SDK does not know
 * (provider extensions), while adding latency to the hot path. The SDK's TYPES are still the contract.
 *
 * The transport is undici's `request` rather than `fetch`: the same HTTP client Node's fetch is built on,
 * without the WHATWG Request/Response/stream layers that cost more CPU per call than everything else the
 * gateway does (profiled under load: fetch was a quarter of the hub's time).
 */
import type { Readable } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request, type Dispatcher } from 'undici';
import { DEADLINE_MESSAGE_PREFIX } from '../deadline';
import { safeUpstreamText } from '../../providers/upstream-error';
import { parseRetryAfter } from '../../providers/wire/retry-after';
import { secretStrings, type UpstreamCall, type UpstreamTarget } from '../../providers/upstream';
import {
  NO_USAGE,
  UpstreamFailure,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatParams,
  type ChatStream,
  type GatewayAdapter,
  type TokenUsage,
  type UpstreamFailureKind,
} from './types';

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  /** Embeddings report only these two. */
  total_tokens?: number;
}

/** OpenAI counts cached prompt tokens inside prompt_tokens; the hub bills them apart. */
export function usageFromOpenAI(usage: OpenAIUsage | null | undefined): TokenUsage {
  if (!usage) return NO_USAGE;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage.prompt_tokens ?? 0) - cached),
    outputTokens: usage.completion_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
}

function headersFor(target: UpstreamTarget, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (target.secret.type === 'api_key') headers.authorization = `Bearer ${target.secret.apiKey}`;
  return headers;
}

const KIND_BY_STATUS = (status: number): UpstreamFailureKind => {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server';
  if (status === 408) return 'timeout';
  return 'bad_request';
};

function headerValue(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** The upstream's error message, from OpenAI's `{ error: { message } }` or whatever text it sent. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: use the text itself
  }
  return body || 'no error message';
}

/** Turns a failed request (no HTTP answer, or a body cut off) into a failure of the right kind. */
export function transportFailure(
  error: unknown,
  call: UpstreamCall,
  target: UpstreamTarget,
): UpstreamFailure {
  if (call.signal.aborted) {
    const reason: unknown = call.signal.reason;
    const isDeadline = reason instanceof Error && reason.message.startsWith(DEADLINE_MESSAGE_PREFIX);
    return isDeadline
      ? new UpstreamFailure('timeout', `The provider did not answer within ${call.timeoutMs} ms`)
      : new UpstreamFailure('aborted', 'The request was cancelled');
  }
  const failed = error as { code?: string; cause?: { code?: string } };
  const code = failed.cause?.code ?? failed.code;
  const message = code ? `Could not reach the provider (${code})` : 'Could not reach the provider';
  return new UpstreamFailure('connection', safeUpstreamText(message, secretStrings(target.secret)));
}

async function post(
  target: UpstreamTarget,
  call: UpstreamCall,
  path: string,
  body: unknown,
  stream: boolean,
): Promise<Dispatcher.ResponseData> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(`${target.baseUrl}${path}`, {
      method: 'POST',
      headers: headersFor(target, stream),
      body: JSON.stringify(body),
      signal: call.signal,
    });
  } catch (error) {
    throw transportFailure(error, call, target);
  }
  if (response.statusCode >= 300) {
    const text = await response.body.text().catch(() => '');
    throw new UpstreamFailure(
      KIND_BY_STATUS(response.statusCode),
      safeUpstreamText(`${response.statusCode}: ${errorText(text)}`, secretStrings(target.secret)),
      response.statusCode,
      parseRetryAfter(headerValue(response.headers, 'retry-after')),
    );
  }
  return response;
}

async function readJson<T>(
  response: Dispatcher.ResponseData,
  call: UpstreamCall,
  target: UpstreamTarget,
): Promise<T> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw transportFailure(error, call, target);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UpstreamFailure(
      'server',
      'The provider answered with a body that is not JSON',
      response.statusCode,
    );
  }
}

/** Parses an SSE body into OpenAI chunks; stops at `[DONE]`; an `error` payload becomes a failure. */
async function* sseChunks(
  body: Readable,
  call: UpstreamCall,
  target: UpstreamTarget,
): AsyncGenerator<ChatCompletionChunk> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  const reader = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let read: IteratorResult<Buffer>;
      try {
        read = await reader.next();
      } catch (error) {
        throw transportFailure(error, call, target);
      }
      if (read.done) return;
      parser.feed(decoder.decode(read.value, { stream: true }));
      while (pending.length > 0) {
        const event = pending.shift()!;
        if (event.data === '[DONE]') return;
        let payload: ChatCompletionChunk & { error?: { message?: string } };
        try {
          payload = JSON.parse(event.data) as typeof payload;
        } catch {
          throw new UpstreamFailure('server', 'The provider sent a stream event that is not JSON');
        }
        if (payload.error) {
          throw new UpstreamFailure(
            'server',
            safeUpstreamText(
              payload.error.message ?? 'The provider reported an error',
              secretStrings(target.secret),
            ),
          );
        }
        yield payload;
      }
    }
  } finally {
    // Consumer stopped early (client gone) or the stream ended: release the connection either way.
    if (!body.readableEnded) body.destroy();
  }
}

export const openaiAdapter: GatewayAdapter = {
  async chat(target, call, params) {
    const response = await post(target, call, '/chat/completions', { ...params, stream: false }, false);
    const completion = await readJson<ChatCompletion>(response, call, target);
    return { completion, usage: usageFromOpenAI(completion.usage) };
  },

  async chatStream(target, call, params: ChatParams): Promise<ChatStream> {
    const body = { ...params, stream: true, stream_options: { include_usage: true } };
    const response = await post(target, call, '/chat/completions', body, true);
    let usage: TokenUsage = NO_USAGE;
    const upstream = sseChunks(response.body, call, target);
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      for await (const chunk of upstream) {
        if (chunk.usage) usage = usageFromOpenAI(chunk.usage);
        // The usage-only chunk is the gateway's to send (or not, as its client asked).
        if (chunk.choices.length === 0 && chunk.usage) continue;
        yield chunk.usage ? { ...chunk, usage: null } : chunk;
      }
    }
    return { chunks: chunks(), usage: () => usage };
  },

  async embeddings(target, call, params) {
    const response = await post(target, call, '/embeddings', params, false);
    const result = await readJson<Awaited<ReturnType<GatewayAdapter['embeddings']>>['response']>(
      response,
      call,
      target,
    );
    return { response: result, usage: usageFromOpenAI(result.usage) };
  },

  async images(target, call, params) {
    const response = await post(target, call, '/images/generations', params, false);
    const result = await readJson<Awaited<ReturnType<GatewayAdapter['images']>>['response']>(
      response,
      call,
      target,
    );
    const usage = result.usage
      ? {
          inputTokens: result.usage.input_tokens ?? 0,
          outputTokens: result.usage.output_tokens ?? 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        }
      : NO_USAGE;
    return { response: result, images: result.data?.length ?? 0, usage };
  },
};
