/**
 * `createHubClient`: one object for everything a program does with a hub, under one credential. A program
 * holds a hub API key or a session token, never a provider key.
 */
import { createHubApi, type HubApi } from './api';
import type { ChatRequest, ChatResult } from './chat';
import { chatBody, chatResult } from './chat';
import { createChatStream, type ChatStream } from './chat-stream';
import {
  embeddings,
  images,
  models,
  type EmbeddingsRequest,
  type EmbeddingsResult,
  type HubModel,
  type ImagesRequest,
  type ImagesResult,
} from './gateway';
import { invalidResponse, normalizeBaseUrl, sendJson, type CallOptions, type Transport } from './http';

export type HubClientOptions = {
  /** Base URL of the hub, e.g. `http://localhost:8090`. */
  url: string;
  /** Custom fetch (a proxy agent, tests); defaults to the global fetch. */
  fetch?: typeof fetch;
} & (
  | {
      /** A hub API key (`ahk_...`): scope `ai` for the gateway helpers, `api` for `api`. */
      apiKey: string;
      sessionToken?: never;
    }
  | {
      /** A session token from `signInWithWallet` (or `auth.login`). */
      sessionToken: string;
      apiKey?: never;
    }
  | { apiKey?: never; sessionToken?: never }
);

export interface HubHealth {
  ok: true;
  version: string;
}

export interface HubClient {
  /** The hub's base URL without a trailing slash. */
  readonly url: string;
  /** The hub's tRPC API, typed from its router: `api.me.get.query()`, `api.apiKeys.list.query()`, ... */
  readonly api: HubApi;
  /** `GET /api/health`: liveness and the hub's version (no credentials needed). */
  health(options?: CallOptions): Promise<HubHealth>;
  /** One chat completion. */
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  /** A streamed chat completion: iterate it for deltas; `final` / `usage` once it has ended. */
  chatStream(request: ChatRequest, options?: CallOptions): ChatStream;
  /** Embedding vectors for one or more texts. */
  embeddings(request: EmbeddingsRequest, options?: CallOptions): Promise<EmbeddingsResult>;
  /** Generated images. */
  images(request: ImagesRequest, options?: CallOptions): Promise<ImagesResult>;
  /** The models the caller may use through the gateway. */
  models(options?: CallOptions): Promise<HubModel[]>;
}

export function createHubClient(options: HubClientOptions): HubClient {
  const token = options.apiKey ?? options.sessionToken;
  if (token !== undefined && (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token))) {
    // Checked here so that a bad value fails at once, not as a confusing header error on the first call.
    throw new TypeError('aigne-hub client: apiKey / sessionToken must be a non-empty token without spaces');
  }
  const base = normalizeBaseUrl(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const transport: Transport = {
    base,
    fetch: fetchImpl,
    headers: (): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };

  return {
    url: base,
    api: createHubApi(transport),

    async health(callOptions) {
      const { response, json } = await sendJson(transport, 'GET', '/api/health', undefined, callOptions);
      const body = json as Partial<HubHealth> | null;
      if (body?.ok !== true || typeof body.version !== 'string') {
        throw invalidResponse(response, '/api/health is not a hub health report');
      }
      return { ok: true, version: body.version };
    },

    async chat(request, callOptions) {
      const { response, json } = await sendJson(
        transport,
        'POST',
        '/api/v1/chat/completions',
        chatBody(request, false),
        callOptions,
      );
      return chatResult(json, response);
    },

    chatStream: (request, callOptions) => createChatStream(transport, request, callOptions),
    embeddings: (request, callOptions) => embeddings(transport, request, callOptions),
    images: (request, callOptions) => images(transport, request, callOptions),
    models: (callOptions) => models(transport, callOptions),
  };
}
