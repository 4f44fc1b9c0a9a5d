/**
 * The contract between the AI gateway and each upstream wire format. The gateway speaks OpenAI's shapes (the
 * `openai` SDK's types are the lingua franca); an adapter translates requests, streamed deltas, tool calls and
 * usage faithfully to and from its provider's protocol, through that provider's official SDK where it fits.
 *
 * Adapters are stateless: every call receives its target (base URL, region, the decrypted secret, in memory
 * only) and its bounds (abort signal, timeout). They never log, never audit, never touch the database.
 */
import type OpenAI from 'openai';
import type { UpstreamCall, UpstreamTarget } from '../../providers/upstream';

export type ChatParams = OpenAI.Chat.ChatCompletionCreateParams;
export type ChatCompletion = OpenAI.Chat.ChatCompletion;
export type ChatCompletionChunk = OpenAI.Chat.ChatCompletionChunk;
export type EmbeddingParams = OpenAI.EmbeddingCreateParams;
export type EmbeddingResponse = OpenAI.CreateEmbeddingResponse;
export type ImageParams = OpenAI.ImageGenerateParams;
export type ImageResponse = OpenAI.ImagesResponse;

/** Tokens an upstream call consumed, as the provider reported them (0 when it reported none). */
export interface TokenUsage {
  /** Prompt tokens billed at the input rate, NOT counting cache reads/writes (reported separately below). */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's cache (billed at the cache-read rate). */
  cacheReadTokens: number;
  /** Prompt tokens written to the provider's cache (billed at the cache-write rate). */
  cacheWriteTokens: number;
}

export const NO_USAGE: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

export interface ChatResult {
  /** In OpenAI's `chat.completion` shape; `model` is the upstream model id (the gateway rewrites it). */
  completion: ChatCompletion;
  usage: TokenUsage;
}

/**
 * A streaming answer. `start` resolves once the upstream has ACCEPTED the request (status received), so that
 * the gateway can still fail over to another credential before it sends a single byte to its client. Then
 * `chunks` yields OpenAI `chat.completion.chunk`s (without a usage chunk: the gateway adds its own);
 * `usage()` is final once `chunks` is exhausted (and best-effort if the stream was cut). Breaking out of the
 * iteration (client gone) must abort the upstream request.
 */
export interface ChatStream {
  chunks: AsyncIterable<ChatCompletionChunk>;
  usage(): TokenUsage;
}

export interface EmbeddingResult {
  response: EmbeddingResponse;
  usage: TokenUsage;
}

export interface ImageResult {
  response: ImageResponse;
  /** Images produced (billed as n x outputRate) plus any tokens the provider reported. */
  images: number;
  usage: TokenUsage;
}

export interface GatewayAdapter {
  /** `params.model` is the upstream model id (no `provider/` prefix); `params.stream` is false/absent. */
  chat(target: UpstreamTarget, call: UpstreamCall, params: ChatParams): Promise<ChatResult>;
  /** `params.stream` is true. Resolves when the upstream accepted the request (see ChatStream). */
  chatStream(target: UpstreamTarget, call: UpstreamCall, params: ChatParams): Promise<ChatStream>;
  embeddings(target: UpstreamTarget, call: UpstreamCall, params: EmbeddingParams): Promise<EmbeddingResult>;
  images(target: UpstreamTarget, call: UpstreamCall, params: ImageParams): Promise<ImageResult>;
}

/**
 * Why an upstream call failed, as the gateway needs to know it: whether to fail over to another credential
 * (`retryable`), whether the credential itself was refused (`auth`: mark it invalid), what to tell the client.
 */
export type UpstreamFailureKind =
  /** 429 / throttling: cool this credential down, try another. */
  | 'rate_limited'
  /** 401/403 for the credential: mark it invalid, try another. */
  | 'auth'
  /** 5xx / overloaded: try another. */
  | 'server'
  /** No answer in time: try another. */
  | 'timeout'
  /** Connection refused / reset / DNS: try another. */
  | 'connection'
  /** The request itself is wrong (400, 404 model, 413, 422): do NOT retry; the client gets 400. */
  | 'bad_request'
  /** This provider cannot do this (e.g. images on a chat-only API): the client gets 400. */
  | 'unsupported'
  /** The caller aborted (client went away): nothing to report. */
  | 'aborted';

export const RETRYABLE_KINDS: ReadonlySet<UpstreamFailureKind> = new Set([
  'rate_limited',
  'auth',
  'server',
  'timeout',
  'connection',
]);

/**
 * Thrown by adapters. `message` MUST already be safe to show: passed through `safeUpstreamText(text,
 * secretStrings(target.secret))` (providers echo key fragments). Never put the raw SDK error in `cause`.
 */
export class UpstreamFailure extends Error {
  override name = 'UpstreamFailure';

  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
    readonly status: number | null = null,
    /** From a Retry-After header or the provider's hint, in seconds. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}
