/**
 * The Playground's calls to the hub's OpenAI-compatible gateway (`/api/v1`), made with the session cookie.
 * Replies stream as OpenAI chat completion chunks over Server-Sent Events; the last chunk carries the token usage
 * (`stream_options.include_usage`). Errors come as `{ error: { message, type, code } }`, before the stream (with
 * an HTTP status) or inside it (as an event, when the upstream fails after the first bytes went out).
 */
import { SseParser } from './sse';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** `provider/model`. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
}

export interface ChatUsage {
  /** All prompt tokens, cached ones included (OpenAI's convention). */
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export interface ChatResult {
  text: string;
  usage: ChatUsage | null;
  /** The model that answered, as the hub names it. */
  model: string | null;
  finishReason: string | null;
  /** The person pressed stop: `text` is what arrived until then. */
  stopped: boolean;
}

/** A refusal or failure reported by the gateway, with what it said. */
export class GatewayError extends Error {
  override name = 'GatewayError';

  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** Mid-stream errors have no HTTP status of their own; the error type says which one the hub would have used. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  insufficient_quota: 402,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  upstream_error: 502,
  timeout_error: 504,
};

interface ErrorBody {
  error?: { message?: unknown; type?: unknown; code?: unknown };
}

function gatewayErrorFrom(body: unknown, status: number | null, retryAfter: string | null): GatewayError {
  const error = (body as ErrorBody | null)?.error;
  const type = typeof error?.type === 'string' ? error.type : 'api_error';
  const code = typeof error?.code === 'string' ? error.code : type;
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : `The hub answered ${status ?? 'with an error'}`;
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
  return new GatewayError(status ?? STATUS_BY_TYPE[type] ?? 500, type, code, message, seconds);
}

async function readError(response: Response): Promise<GatewayError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy in front of the hub may answer in HTML; the status still says what happened.
  }
  return gatewayErrorFrom(body, response.status, response.headers.get('retry-after'));
}

interface Chunk {
  model?: unknown;
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
  } | null;
  error?: unknown;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

export interface StreamChatOptions {
  /** Aborting it stops the reply (the hub then stops the upstream call and charges what was produced). */
  signal?: AbortSignal;
  /** Called with the reply so far each time text arrives. */
  onText?: (text: string) => void;
  fetchImpl?: typeof fetch;
  /** Prefix of `/api/v1/...` (default: this page's origin). */
  baseUrl?: string;
}

/**
 * Sends a chat and reads the streamed reply. Resolves with the whole reply (or, when stopped, the part that
 * arrived); rejects with a `GatewayError` for anything the gateway refused or failed, and for a stream that
 * broke off before its end.
 */
export async function streamChat(request: ChatRequest, options: StreamChatOptions = {}): Promise<ChatResult> {
  const { signal, onText, fetchImpl = fetch, baseUrl = '' } = options;
  const result: ChatResult = { text: '', usage: null, model: null, finishReason: null, stopped: false };
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}/api/v1/chat/completions`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        model: request.model,
        messages: request.messages,
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        stream: true,
        stream_options: { include_usage: true },
      }),
      ...(signal && { signal }),
    });
  } catch (error) {
    if (isAbort(error)) return { ...result, stopped: true };
    throw new GatewayError(0, 'network_error', 'unreachable', 'The hub cannot be reached');
  }
  if (!response.ok) throw await readError(response);
  if (!response.body) throw new GatewayError(502, 'api_error', 'no_body', 'The hub sent no reply');

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let done = false;
  try {
    while (!done) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        let chunk: Chunk;
        try {
          chunk = JSON.parse(event.data) as Chunk;
        } catch {
          throw new GatewayError(502, 'api_error', 'bad_stream', 'The hub sent a reply that cannot be read');
        }
        if (chunk.error !== undefined) throw gatewayErrorFrom(chunk, null, null);
        if (typeof chunk.model === 'string') result.model = chunk.model;
        const choice = chunk.choices?.[0];
        if (typeof choice?.delta?.content === 'string' && choice.delta.content !== '') {
          result.text += choice.delta.content;
          onText?.(result.text);
        }
        if (typeof choice?.finish_reason === 'string') result.finishReason = choice.finish_reason;
        if (chunk.usage) {
          result.usage = {
            promptTokens: count(chunk.usage.prompt_tokens),
            completionTokens: count(chunk.usage.completion_tokens),
            cachedTokens: count(chunk.usage.prompt_tokens_details?.cached_tokens),
          };
        }
      }
    }
  } catch (error) {
    if (isAbort(error) || signal?.aborted) return { ...result, stopped: true };
    if (error instanceof GatewayError) throw error;
    throw new GatewayError(502, 'api_error', 'stream_broken', 'The connection to the hub broke off');
  } finally {
    parser.end();
    if (!done) await reader.cancel().catch(() => undefined);
  }
  if (!done) {
    if (signal?.aborted) return { ...result, stopped: true };
    throw new GatewayError(502, 'upstream_error', 'stream_incomplete', 'The reply broke off before its end');
  }
  return result;
}

/** The models this caller may use, as `GET /api/v1/models` lists them (`provider/model` ids). */
export async function listModels(fetchImpl: typeof fetch = fetch, baseUrl = ''): Promise<string[]> {
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}/api/v1/models`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
  } catch {
    throw new GatewayError(0, 'network_error', 'unreachable', 'The hub cannot be reached');
  }
  if (!response.ok) throw await readError(response);
  const body = (await response.json()) as { data?: { id?: unknown }[] };
  return (body.data ?? []).flatMap((model) => (typeof model.id === 'string' ? [model.id] : []));
}

export interface ErrorExplanation {
  title: string;
  /** What the gateway said. */
  message: string;
  /** What the person can do about it, when there is something. */
  hint: string | null;
}

/** Plain words for a gateway error, by status: a title, the hub's own message, and what to do. */
export function explainGatewayError(error: GatewayError): ErrorExplanation {
  const { message } = error;
  switch (error.status) {
    case 0:
      return { title: 'The hub cannot be reached', message, hint: 'Check your connection and try again.' };
    case 401:
      return { title: 'Your session has ended', message, hint: 'Sign in again to continue.' };
    case 402:
      return { title: 'Out of credits', message, hint: 'Credits are granted by the admins of this hub.' };
    case 403:
      return { title: 'Not allowed', message, hint: null };
    case 404:
      return { title: 'Model not available', message, hint: 'Pick another model.' };
    case 429: {
      const seconds = error.retryAfterSeconds;
      return {
        title: 'Rate limited',
        message,
        hint:
          seconds !== null
            ? `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`
            : 'Wait a moment and try again.',
      };
    }
    case 502:
      return { title: 'The AI provider failed', message, hint: 'Try again, or pick another model.' };
    case 504:
      return { title: 'The AI provider timed out', message, hint: 'Try again later, or pick another model.' };
    default:
      return error.status >= 500
        ? { title: 'The hub failed', message, hint: 'Try again later.' }
        : { title: 'The request was refused', message, hint: null };
  }
}
