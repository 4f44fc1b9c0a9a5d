/**
 * The public types, checked by the compiler (`pnpm typecheck` type-checks this file; the assertions are
 * no-ops at run time). The published declarations get the same kind of check in test/pack.test.ts.
 */
import type { WalletObject } from '@ocap/wallet';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createHubClient,
  type ForbiddenError,
  type HubClientError,
  type InsufficientCreditsError,
  type RateLimitedError,
  signInWithWallet,
  type UnauthorizedError,
  type UpstreamError,
  type ChatDelta,
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type EmbeddingsResult,
  type FinishReason,
  type HubClient,
  type HubClientOptions,
  type HubModel,
  type HubRouterInputs,
  type HubRouterOutputs,
  type HubWallet,
  type SignInResult,
  type Usage,
} from './index';

describe('the typed API', () => {
  it('infers procedure results from the server router', () => {
    expectTypeOf<HubClient['api']['me']['get']['query']>().returns.resolves.toEqualTypeOf<{
      did: string;
      name: string | null;
      role: 'owner' | 'admin' | 'guest';
      credits: number;
      via: 'session' | 'apiKey' | 'blocklet';
      keyId: string | null;
      createdAt: string;
    }>();
    expectTypeOf<HubRouterOutputs['apiKeys']['create']['secret']>().toEqualTypeOf<string>();
    expectTypeOf<HubRouterOutputs['apiKeys']['create']['key']['status']>().toEqualTypeOf<
      'revoked' | 'expired' | 'active'
    >();
  });

  it('types procedure inputs, with queries and mutations where the server has them', () => {
    expectTypeOf<HubRouterInputs['apiKeys']['create']>().toExtend<{
      name: string;
      scopes?: ('ai' | 'api')[] | undefined;
    }>();
    expectTypeOf<HubClient['api']['apiKeys']['create']>().toHaveProperty('mutate');
    expectTypeOf<HubClient['api']['apiKeys']['create']>().not.toHaveProperty('query');
    expectTypeOf<HubClient['api']['apiKeys']['list']>().toHaveProperty('query');
    // A wrong input does not compile.
    const client = createHubClient({ url: 'http://hub' });
    expectTypeOf(client.api.apiKeys.create.mutate).parameter(0).not.toExtend<{ name: number }>();
  });
});

describe('options and sign-in', () => {
  it('takes an API key or a session token, never both', () => {
    expectTypeOf<{ url: string; apiKey: string }>().toExtend<HubClientOptions>();
    expectTypeOf<{ url: string; sessionToken: string }>().toExtend<HubClientOptions>();
    expectTypeOf<{ url: string }>().toExtend<HubClientOptions>();
    expectTypeOf<{ url: string; apiKey: string; sessionToken: string }>().not.toExtend<HubClientOptions>();
  });

  it('accepts an @ocap/wallet wallet as it is, and returns the session with a client', () => {
    expectTypeOf<WalletObject>().toExtend<HubWallet>();
    expectTypeOf(signInWithWallet).returns.resolves.toEqualTypeOf<SignInResult>();
    expectTypeOf<SignInResult['token']>().toEqualTypeOf<string>();
    expectTypeOf<SignInResult['user']['role']>().toEqualTypeOf<'owner' | 'admin' | 'guest'>();
    expectTypeOf<SignInResult['client']>().toEqualTypeOf<HubClient>();
  });
});

describe('gateway helpers', () => {
  it('streams deltas and ends with usage', () => {
    type Stream = ReturnType<HubClient['chatStream']>;
    expectTypeOf<Stream>().toExtend<AsyncIterable<ChatDelta>>();
    expectTypeOf<Stream['usage']>().toEqualTypeOf<Promise<Usage>>();
    expectTypeOf<Stream['final']>().toEqualTypeOf<Promise<ChatResult>>();
    expectTypeOf<ChatDelta>().toEqualTypeOf<{
      content?: string;
      toolCalls?: { index: number; id?: string; name?: string; arguments?: string }[];
      finishReason?: FinishReason;
    }>();
    expectTypeOf<HubClient['chat']>().returns.resolves.toEqualTypeOf<ChatResult>();
  });

  it('types requests so that a wrong message does not compile, and an answer can be sent back', () => {
    expectTypeOf<{ role: 'tool'; content: string }>().not.toExtend<ChatMessage>();
    expectTypeOf<{ role: 'user'; content: string }>().toExtend<ChatMessage>();
    expectTypeOf<{ role: 'bot'; content: string }>().not.toExtend<ChatMessage>();
    expectTypeOf<ChatResult['message']>().toExtend<ChatMessage>();
    expectTypeOf<{ model: string; messages: ChatMessage[] }>().toExtend<ChatRequest>();
    expectTypeOf<{ messages: ChatMessage[] }>().not.toExtend<ChatRequest>();
  });

  it('types the other helpers', () => {
    expectTypeOf<HubClient['models']>().returns.resolves.toEqualTypeOf<HubModel[]>();
    expectTypeOf<HubModel>().toEqualTypeOf<{ id: string; provider: string; created: Date }>();
    expectTypeOf<HubClient['embeddings']>().returns.resolves.toEqualTypeOf<EmbeddingsResult>();
    expectTypeOf<EmbeddingsResult['embeddings']>().toEqualTypeOf<number[][]>();
    expectTypeOf<HubClient['images']>().parameter(0).toHaveProperty('prompt').toEqualTypeOf<string>();
    // Every helper and tRPC call can be aborted.
    expectTypeOf<HubClient['models']>().parameter(0).toEqualTypeOf<{ signal?: AbortSignal } | undefined>();
    expectTypeOf<Parameters<HubClient['api']['me']['get']['query']>[1]>().toExtend<
      { signal?: AbortSignal | null } | undefined
    >();
  });
});

describe('errors', () => {
  it('are all HubClientErrors with status, code and request id', () => {
    expectTypeOf<UnauthorizedError>().toExtend<HubClientError>();
    expectTypeOf<ForbiddenError>().toExtend<HubClientError>();
    expectTypeOf<InsufficientCreditsError>().toExtend<HubClientError>();
    expectTypeOf<RateLimitedError>().toExtend<HubClientError>();
    expectTypeOf<UpstreamError>().toExtend<HubClientError>();
    expectTypeOf<HubClientError['status']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<HubClientError['code']>().toEqualTypeOf<string>();
    expectTypeOf<HubClientError['requestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<RateLimitedError['retryAfter']>().toEqualTypeOf<number | null>();
    expectTypeOf<UpstreamError['timedOut']>().toEqualTypeOf<boolean>();
  });
});
