/**
 * The AI gateway's core, shared by every HTTP dialect (OpenAI-compatible, AIGNE, AIGNE Hub v2): who may call
 * which model, which provider and credential serve it (with failover), and what it cost. Routes only translate
 * HTTP to these calls and back.
 *
 * One call: authorize (scope, per-key model list, rate limit) -> route the model -> 402 if credits ran out ->
 * pick a credential, decrypt it in memory, call upstream; on 429/5xx/timeouts/connection errors/401 fail over
 * to the next credential (bounded, and only before the first byte went to the client) -> meter: usage record,
 * charge and `ai.*` audit event committed together.
 */
import { ForbiddenError } from '@aigne-hub/core';
import type { Credential, ModelType } from '@aigne-hub/db';
import { actorOf } from '../trpc/procedures';
import type { RequestMeta } from '../audit/audit-trail';
import { hasScope, type Principal } from '../auth/principal';
import { openCredential, providerSpec, upstreamTarget, type UpstreamTarget } from '../providers/index';
import type { UpstreamCall } from '../providers/upstream';
import { HubMetrics } from '../observability/metrics';
import type { HubServices } from '../services';
import { adapterFor } from './adapters/index';
import {
  NO_USAGE,
  UpstreamFailure,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatParams,
  type ChatStream,
  type EmbeddingParams,
  type EmbeddingResponse,
  type GatewayAdapter,
  type ImageParams,
  type ImageResponse,
  type TokenUsage,
} from './adapters/types';
import { costMicroCredits, CreditReservations, estimateTokens } from './billing';
import { modelAllowed, ModelRouter, type RouteCandidate } from './catalog';
import { CredentialPool } from './credential-pool';
import { Deadline } from './deadline';
import { GatewayError, toGatewayError } from './errors';
import { Meter, type MeterEntry } from './metering';
import { RequestLimiter } from './request-limiter';

/** Upstream attempts per request, across credentials and providers. */
const MAX_ATTEMPTS = 4;
/** Output tokens assumed for a chat request that sets no max_tokens, when holding credits for it. */
const DEFAULT_OUTPUT_ESTIMATE = 1024;

type Estimate = (rate: RouteCandidate['rate']) => number;

export interface GatewayCaller {
  principal: Principal;
  request: RequestMeta;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

type Endpoint = MeterEntry['endpoint'];
const ACTION: Record<Endpoint, string> = { chat: 'ai.chat', embedding: 'ai.embeddings', image: 'ai.images' };

interface Attempted<T> {
  value: T;
  candidate: RouteCandidate;
  credential: Credential | null;
  attempts: number;
  deadline: Deadline;
}

/** What a finished call reports, for dialects that show usage and credits (AIGNE Hub v2, the Playground). */
export interface CallSummary {
  model: string;
  usage: TokenUsage;
  credits: number;
}

export interface GatewayChatStream {
  /** `provider/model` that serves the stream. */
  model: string;
  /** OpenAI chunks, `model` already rewritten. Iterate to the end (or break: the upstream is aborted). */
  chunks: AsyncIterable<ChatCompletionChunk>;
  /** Final once `chunks` is done: usage and cost, metered and committed. */
  summary(): CallSummary;
}

export class Gateway {
  readonly router: ModelRouter;
  readonly pool: CredentialPool;
  readonly meter: Meter;
  /** The hub's Prometheus metrics (observability/metrics.ts); the gateway feeds most of them. */
  readonly metrics: HubMetrics;
  readonly limiter = new RequestLimiter();
  readonly reservations = new CreditReservations();

  constructor(private readonly services: HubServices) {
    this.router = new ModelRouter(services.hubDb);
    this.pool = new CredentialPool(services.hubDb, services.audit);
    this.metrics = new HubMetrics(services.hubDb);
    this.meter = new Meter(services, this.metrics);
  }

  async chat(
    caller: GatewayCaller,
    params: ChatParams,
  ): Promise<{ completion: ChatCompletion } & CallSummary> {
    const started = Date.now();
    const { candidates, release } = this.#authorize(caller, params.model, 'chat', chatEstimate(params));
    try {
      const attempted = await this.#attempt(
        caller,
        'chat',
        candidates,
        started,
        (adapter, target, call, model) => adapter.chat(target, call, { ...params, model, stream: false }),
      );
      attempted.deadline.clear();
      const { completion, usage } = attempted.value;
      const summary = await this.#meterSuccess(caller, 'chat', attempted, usage, 0, started, false);
      return { completion: { ...completion, model: summary.model }, ...summary };
    } finally {
      release();
    }
  }

  async chatStream(caller: GatewayCaller, params: ChatParams): Promise<GatewayChatStream> {
    const started = Date.now();
    const { candidates, release } = this.#authorize(caller, params.model, 'chat', chatEstimate(params));
    let attempted: Attempted<ChatStream>;
    try {
      attempted = await this.#attempt(caller, 'chat', candidates, started, (adapter, target, call, model) =>
        adapter.chatStream(target, call, { ...params, model, stream: true }),
      );
    } catch (error) {
      release();
      throw error;
    }
    const { candidate, deadline } = attempted;
    const model = `${candidate.provider.name}/${candidate.model}`;
    const stream = attempted.value;
    const metrics = this.metrics;
    let summary: CallSummary | null = null;
    const meter = async (status: 'success' | 'error' | 'aborted', failure: UpstreamFailure | null) => {
      const usage = stream.usage();
      if (status === 'success') {
        summary = await this.#meterSuccess(caller, 'chat', attempted, usage, 0, started, true);
        return;
      }
      summary = await this.#meterFailure(
        caller,
        'chat',
        candidate,
        attempted.credential,
        attempted.attempts,
        started,
        true,
        failure,
        status,
        usage,
      );
    };
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      let outcome: 'success' | 'error' | 'aborted' = 'aborted';
      let failure: UpstreamFailure | null = null;
      try {
        for await (const chunk of stream.chunks) {
          deadline.touch();
          yield { ...chunk, model };
        }
        outcome = 'success';
      } catch (error) {
        failure =
          error instanceof UpstreamFailure ? error : new UpstreamFailure('server', 'The stream broke off');
        outcome = failure.kind === 'aborted' ? 'aborted' : 'error';
        if (outcome === 'error') {
          metrics.upstreamError(candidate.provider.name, failure.kind);
          throw toGatewayError(failure);
        }
      } finally {
        deadline.clear();
        // Also when the client went away mid-stream: what was streamed is metered and charged.
        try {
          await meter(outcome, failure);
        } finally {
          release();
        }
      }
    }
    return {
      model,
      chunks: chunks(),
      summary: () => summary ?? { model, usage: NO_USAGE, credits: 0 },
    };
  }

  async embeddings(
    caller: GatewayCaller,
    params: EmbeddingParams,
  ): Promise<{ response: EmbeddingResponse } & CallSummary> {
    const started = Date.now();
    const estimate: Estimate = (rate) =>
      costMicroCredits(rate, {
        inputTokens: estimateTokens(params.input),
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
    const { candidates, release } = this.#authorize(caller, params.model, 'embedding', estimate);
    try {
      const attempted = await this.#attempt(
        caller,
        'embedding',
        candidates,
        started,
        (adapter, target, call, model) => adapter.embeddings(target, call, { ...params, model }),
      );
      attempted.deadline.clear();
      const summary = await this.#meterSuccess(
        caller,
        'embedding',
        attempted,
        attempted.value.usage,
        0,
        started,
        false,
      );
      return { response: { ...attempted.value.response, model: summary.model }, ...summary };
    } finally {
      release();
    }
  }

  async images(
    caller: GatewayCaller,
    params: ImageParams,
  ): Promise<{ response: ImageResponse } & CallSummary> {
    const started = Date.now();
    const estimate: Estimate = (rate) => costMicroCredits(rate, NO_USAGE, params.n ?? 1);
    const { candidates, release } = this.#authorize(caller, params.model ?? '', 'image', estimate);
    try {
      const attempted = await this.#attempt(
        caller,
        'image',
        candidates,
        started,
        (adapter, target, call, model) => adapter.images(target, call, { ...params, model }),
      );
      attempted.deadline.clear();
      const { response, usage, images } = attempted.value;
      const summary = await this.#meterSuccess(caller, 'image', attempted, usage, images, started, false);
      return { response, ...summary };
    } finally {
      release();
    }
  }

  /** The models this principal may use, with their rates (for `GET /models` and the Playground). */
  models(principal: Principal, type?: ModelType) {
    const allowed = principal.apiKey?.allowedModels;
    return this.router
      .listModels(type)
      .filter(({ provider, rate }) => modelAllowed(allowed, provider.name, rate.model));
  }

  /**
   * Everything decided before any upstream call; with billing on, holds credits for the request (release them
   * once it is metered). Refusals are audited as `denied` (an `ai.*` event without a usage record: nothing was
   * used).
   */
  #authorize(
    caller: GatewayCaller,
    requested: string,
    type: ModelType,
    estimate: Estimate,
  ): { candidates: RouteCandidate[]; release: () => void } {
    const { principal } = caller;
    const now = this.services.clock();
    try {
      if (!hasScope(principal, 'ai')) {
        throw new GatewayError(
          403,
          'permission_error',
          'missing_scope',
          'This API key may not call the AI endpoints (no "ai" scope)',
        );
      }
      const defaultLimit = this.services.settings.get().rateLimits.apiKeyRequestsPerMinute;
      const limit = principal.apiKey?.rateLimitPerMinute ?? defaultLimit;
      this.limiter.consume(principal.keyId ?? `user:${principal.did}`, limit, now.getTime());
      const billing = this.services.settings.get().billing.enabled;
      const candidates = this.router
        .resolve(requested, type, billing, now.getTime())
        .filter((candidate) =>
          modelAllowed(principal.apiKey?.allowedModels, candidate.provider.name, candidate.model),
        );
      if (candidates.length === 0) {
        throw new ForbiddenError(`This API key may not use the model "${requested}"`);
      }
      const release = billing
        ? this.reservations.reserve(this.services.hubDb, principal.did, estimate(candidates[0]!.rate))
        : () => undefined;
      return { candidates, release };
    } catch (error) {
      const refusal = toGatewayError(error);
      this.metrics.refused(type, refusal.code);
      this.services.audit.record(actorOf(principal), caller.request, {
        action: ACTION[type],
        outcome: 'denied',
        reason: refusal.message,
        targetType: 'model',
        targetId: requested.slice(0, 200),
        details: { apiKeyId: principal.keyId ?? null, code: refusal.code, status: refusal.status },
      });
      throw refusal;
    }
  }

  /** Calls upstream with failover; on final failure meters the error and throws a GatewayError. */
  async #attempt<T>(
    caller: GatewayCaller,
    endpoint: Endpoint,
    candidates: RouteCandidate[],
    started: number,
    run: (adapter: GatewayAdapter, target: UpstreamTarget, call: UpstreamCall, model: string) => Promise<T>,
  ): Promise<Attempted<T>> {
    const timeoutMs = this.services.settings.get().gateway.upstreamTimeoutMs;
    let attempts = 0;
    let lastFailure: UpstreamFailure | null = null;
    let lastCredential: Credential | null = null;
    let coolingUntil: number | null = null;
    for (const candidate of candidates) {
      const { provider } = candidate;
      const adapter = adapterFor(provider.kind);
      const all = this.pool.load(provider.id);
      const keyless = all.length === 0 && providerSpec(provider.kind).credentialOptional;
      const tried = new Set<string>();
      // Set when a credential of this provider answered 429; if none of them then succeeds, the provider as a
      // whole is rate limiting and is passed over for bare model names until then.
      let providerCooledUntil: number | null = null;
      while (attempts < MAX_ATTEMPTS) {
        const now = this.services.clock();
        let credential: Credential | null = null;
        if (!keyless) {
          const picked = this.pool.pick(all, tried, now.getTime());
          if (!picked.credential) {
            if (picked.cooling !== null)
              coolingUntil = Math.min(coolingUntil ?? picked.cooling, picked.cooling);
            break;
          }
          credential = picked.credential;
          tried.add(credential.id);
        }
        let target: UpstreamTarget;
        try {
          target = upstreamTarget(
            provider,
            credential ? openCredential(this.services.keyring, credential) : { type: 'none' },
          );
        } catch (error) {
          // Undecryptable or incomplete: skip it; the admin app shows it as unusable.
          this.services.logger.warn(
            { err: error, credentialId: credential?.id, requestId: caller.request.requestId },
            'credential unusable',
          );
          if (keyless) break;
          continue;
        }
        attempts += 1;
        lastCredential = credential;
        const deadline = new Deadline(timeoutMs, caller.signal);
        try {
          const value = await run(adapter, target, deadline.call, candidate.model);
          if (credential) this.pool.succeeded(credential.id);
          return { value, candidate, credential, attempts, deadline };
        } catch (error) {
          deadline.clear();
          const failure =
            error instanceof UpstreamFailure
              ? error
              : new UpstreamFailure('server', 'The provider call failed unexpectedly');
          if (!(error instanceof UpstreamFailure)) {
            this.services.logger.error(
              { err: error, provider: provider.name, requestId: caller.request.requestId },
              'adapter threw an unexpected error',
            );
          }
          lastFailure = failure;
          if (failure.kind === 'aborted') {
            await this.#meterFailure(
              caller,
              endpoint,
              candidate,
              credential,
              attempts,
              started,
              false,
              failure,
              'aborted',
              NO_USAGE,
            );
            throw toGatewayError(failure);
          }
          this.metrics.upstreamError(provider.name, failure.kind);
          if (credential) {
            const cooledUntil = this.pool.failed(credential, failure, now, caller.request);
            this.services.logger.warn(
              {
                provider: provider.name,
                credentialId: credential.id,
                kind: failure.kind,
                status: failure.status,
                error: failure.message,
                requestId: caller.request.requestId,
              },
              'upstream attempt failed',
            );
            if (failure.kind === 'rate_limited' && cooledUntil !== null) providerCooledUntil = cooledUntil;
          }
          if (!failure.retryable) {
            await this.#meterFailure(
              caller,
              endpoint,
              candidate,
              credential,
              attempts,
              started,
              false,
              failure,
              'error',
              NO_USAGE,
            );
            throw toGatewayError(failure);
          }
          if (keyless) break;
        }
      }
      if (providerCooledUntil !== null) this.router.coolProvider(provider.id, providerCooledUntil);
      if (attempts >= MAX_ATTEMPTS) break;
    }
    const first = candidates[0]!;
    const names = candidates.map((c) => `${c.provider.name}/${c.model}`).join(', ');
    let refusal: GatewayError;
    if (lastFailure) {
      refusal = toGatewayError(lastFailure);
      if (refusal.status !== 429 && refusal.status !== 504) {
        refusal = new GatewayError(
          502,
          'upstream_error',
          'upstream_unavailable',
          `Every credential for ${names} failed (${attempts} attempts); last error: ${lastFailure.message}`,
        );
      }
    } else if (coolingUntil !== null) {
      const wait = Math.max(1, Math.ceil((coolingUntil - this.services.clock().getTime()) / 1000));
      refusal = new GatewayError(
        502,
        'upstream_error',
        'credentials_cooling_down',
        `Every credential for ${names} is cooling down after failures; retry in ${wait} s`,
        wait,
      );
    } else {
      refusal = new GatewayError(
        502,
        'upstream_error',
        'no_credentials',
        `No usable credential is configured for ${names}; an admin must add or fix one`,
      );
    }
    await this.#meterFailure(
      caller,
      endpoint,
      first,
      lastCredential,
      attempts,
      started,
      false,
      lastFailure,
      'error',
      NO_USAGE,
      refusal.message,
    );
    throw refusal;
  }

  async #meterSuccess<T>(
    caller: GatewayCaller,
    endpoint: Endpoint,
    attempted: Attempted<T>,
    usage: TokenUsage,
    images: number,
    started: number,
    stream: boolean,
  ): Promise<CallSummary> {
    const { candidate } = attempted;
    const billing = this.services.settings.get().billing.enabled;
    const costMicro = billing ? costMicroCredits(candidate.rate, usage, images) : 0;
    await this.meter.record(
      this.#entry(caller, endpoint, candidate, attempted.credential, attempted.attempts, started, stream, {
        usage,
        images,
        costMicro,
        status: 'success',
        errorKind: null,
        errorMessage: null,
      }),
    );
    return { model: `${candidate.provider.name}/${candidate.model}`, usage, credits: costMicro / 1_000_000 };
  }

  async #meterFailure(
    caller: GatewayCaller,
    endpoint: Endpoint,
    candidate: RouteCandidate,
    credential: Credential | null,
    attempts: number,
    started: number,
    stream: boolean,
    failure: UpstreamFailure | null,
    status: 'error' | 'aborted',
    usage: TokenUsage,
    message?: string,
  ): Promise<CallSummary> {
    // Tokens a cut stream already produced are still charged: they were used.
    const billing = this.services.settings.get().billing.enabled;
    const costMicro = billing ? costMicroCredits(candidate.rate, usage) : 0;
    await this.meter.record(
      this.#entry(caller, endpoint, candidate, credential, attempts, started, stream, {
        usage,
        images: 0,
        costMicro,
        status,
        errorKind: failure?.kind ?? 'unavailable',
        errorMessage: message ?? failure?.message ?? null,
      }),
    );
    return { model: `${candidate.provider.name}/${candidate.model}`, usage, credits: costMicro / 1_000_000 };
  }

  #entry(
    caller: GatewayCaller,
    endpoint: Endpoint,
    candidate: RouteCandidate,
    credential: Credential | null,
    attempts: number,
    started: number,
    stream: boolean,
    outcome: Pick<MeterEntry, 'usage' | 'images' | 'costMicro' | 'status' | 'errorKind' | 'errorMessage'>,
  ): MeterEntry {
    return {
      actor: actorOf(caller.principal),
      request: caller.request,
      userDid: caller.principal.did,
      apiKeyId: caller.principal.keyId ?? null,
      endpoint,
      action: ACTION[endpoint],
      provider: candidate.provider.name,
      model: candidate.model,
      credentialId: credential?.id ?? null,
      latencyMs: Date.now() - started,
      stream,
      attempts,
      ts: this.services.clock(),
      ...outcome,
    };
  }
}

/** What a chat request may cost at most, roughly: its prompt and its output limit (or a default). */
function chatEstimate(params: ChatParams): Estimate {
  const inputTokens = estimateTokens(params.messages);
  const outputTokens = params.max_completion_tokens ?? params.max_tokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return (rate) =>
    costMicroCredits(rate, { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 });
}
