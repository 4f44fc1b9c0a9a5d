/**
 * The AIGNE-compatible endpoints.
 *
 * - For the AIGNE framework's client (`@aigne/aigne-hub`): `GET /__blocklet__.js` (discovery), `POST
 *   /api/v2/chat` and `POST /api/v2/image` (the transport's invoke protocol) and `GET /api/ai/models`.
 * - AIGNE Hub's own v2 API: `POST /api/v2/chat/completions` (and `/api/v2/completions`), `POST
 *   /api/v2/embeddings`, `POST /api/v2/image/generations`, `GET /api/v2/status`.
 *
 * Every AI call goes through `gatewayCaller` and `services.gateway`, exactly like the OpenAI-compatible routes,
 * so keys, scopes, allowed models, rate limits, credits, failover, metering and audit are the same; these
 * routes only translate. Errors answer `{ error: { message, type, code } }` with the gateway's status (what
 * the transport client turns into a thrown Error with that message); once a stream has started they arrive as
 * an SSE `error` event (AIGNE) or an `{ error }` data object (v2).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HubApp } from '../../app';
import type { HubServices } from '../../services';
import type { ChatCompletionChunk } from '../adapters/types';
import { blockletDocument, blockletScript } from '../aigne-blocklet';
import { aigneModelList, aigneStatus, modelTypeOf } from '../aigne-catalog';
import {
  AIGNE_CHAT_MODEL_AGENT,
  aigneChatBody,
  aigneChatOutput,
  AigneDeltaStream,
  chatParamsFromAigne,
  requestedModel,
} from '../aigne-chat';
import {
  aigneImageBody,
  aigneImageOutput,
  embeddingParamsFromV2,
  imageParamsFromAigne,
  imageParamsFromV2,
  v2EmbeddingBody,
  v2EmbeddingResponse,
  v2ImageBody,
  v2ImageResponse,
} from '../aigne-media';
import { chatParamsFromV2, v2ChatBody, v2ChatResponse, V2DeltaStream } from '../aigne-v2';
import { badRequest, GatewayError, toGatewayError } from '../errors';
import { gatewayCaller, sendError, SseWriter } from '../http';
import type { CallSummary, GatewayChatStream } from '../service';
import { GATEWAY_BODY_LIMIT, parseBody } from './openai';

/** How one dialect writes a chat stream as SSE data (each string is one event's data). */
interface StreamDialect {
  start(model: string): string[];
  chunk(chunk: ChatCompletionChunk): string[];
  finish(summary: CallSummary): string[];
  /** The event that reports a failure after the stream began. */
  error(failure: GatewayError): { data: string; event?: string };
}

const statusQuery = z.looseObject({
  model: z.string().max(300).optional(),
  type: z.string().max(40).optional(),
});

const modelsQuery = z.looseObject({ type: z.string().max(40).optional() });

/** The AIGNE transport's server answers 404 for an agent it does not have; so does the hub. */
function assertChatModelAgent(agent: string | null | undefined): void {
  if (agent && agent !== AIGNE_CHAT_MODEL_AGENT) {
    throw new GatewayError(404, 'not_found_error', 'agent_not_found', `Agent ${agent} not found`);
  }
}

/** SSE for v2 callers that ask for it either way AIGNE Hub allows: `stream: true` or `Accept: text/event-stream`. */
function wantsEventStream(request: FastifyRequest, stream: boolean | null | undefined): boolean {
  return stream === true || (request.headers.accept ?? '').includes('text/event-stream');
}

export function registerAigneRoutes(app: HubApp, services: HubServices): void {
  const gateway = services.gateway;
  const billing = () => services.settings.get().billing.enabled;

  const handle =
    (serve: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await serve(request, reply);
      } catch (error) {
        return reply.sent ? undefined : sendError(reply, error);
      }
    };

  /** Writes a gateway chat stream through a dialect; a client that leaves stops the upstream call. */
  async function pipe(
    request: FastifyRequest,
    reply: FastifyReply,
    stream: GatewayChatStream,
    dialect: StreamDialect,
  ): Promise<undefined> {
    const sse = new SseWriter(reply, request);
    try {
      for (const data of dialect.start(stream.model)) await sse.send(data);
      for await (const chunk of stream.chunks) {
        for (const data of dialect.chunk(chunk)) await sse.send(data);
        if (sse.closed) break;
      }
      if (!sse.closed) for (const data of dialect.finish(stream.summary())) await sse.send(data);
    } catch (error) {
      const failure = toGatewayError(error);
      const { data, event } = dialect.error(failure);
      await sse.send(data, event);
    } finally {
      sse.end();
      request.log.info(
        {
          method: request.method,
          path: request.url.split('?', 1)[0],
          stream: true,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    return undefined;
  }

  // Discovery: public, like Blocklet Server's own. `?type=json` for programs, a script for browsers.
  app.get('/__blocklet__.js', (request, reply) => {
    const document = blockletDocument(services.publicUrl.href, services.env.blocklet?.did);
    void reply.header('cache-control', 'no-cache');
    const { type } = (request.query ?? {}) as { type?: unknown };
    if (type === 'json') return reply.send(document);
    return reply.type('application/javascript; charset=utf-8').send(blockletScript(document));
  });

  // The AIGNE framework asks without a key, so the list is public; with a key it shows what that key may use.
  app.get(
    '/api/ai/models',
    handle(async (request, reply) => {
      const query = parseBody(modelsQuery, request.query);
      const type = modelTypeOf(query.type);
      const principal = request.headers.authorization
        ? (await gatewayCaller(services, request, reply, 'ai.models')).principal
        : null;
      if (type === null) return reply.send([]);
      return reply.send(aigneModelList(services, principal, type));
    }),
  );

  app.post(
    '/api/v2/chat',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.chat');
      const body = parseBody(aigneChatBody, request.body);
      assertChatModelAgent(body.agent);
      const params = chatParamsFromAigne(body.input, requestedModel(body));
      const options = { jsonMode: body.input.responseFormat?.type === 'json_schema', billing: billing() };
      if (!body.options?.streaming) {
        const result = await gateway.chat(caller, params);
        return reply.send(aigneChatOutput(result.completion, result, options));
      }
      const stream = await gateway.chatStream(caller, params);
      const deltas = new AigneDeltaStream(options);
      return pipe(request, reply, stream, {
        start: (model) => deltas.start(model).map((e) => JSON.stringify(e)),
        chunk: (chunk) => deltas.push(chunk).map((e) => JSON.stringify(e)),
        finish: (summary) => deltas.finish(summary).map((e) => JSON.stringify(e)),
        // The transport's EventStreamParser turns `event: error` into a thrown Error(message).
        error: (failure) => ({
          event: 'error',
          data: JSON.stringify({ message: failure.message, type: failure.type, code: failure.code }),
        }),
      });
    }),
  );

  app.post(
    '/api/v2/image',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.images');
      const body = parseBody(aigneImageBody, request.body);
      assertChatModelAgent(body.agent);
      const params = imageParamsFromAigne(body.input, requestedModel(body));
      const result = await gateway.images(caller, params);
      return reply.send(aigneImageOutput(result.response, params, result, billing()));
    }),
  );

  const completions = handle(async (request, reply) => {
    const caller = await gatewayCaller(services, request, reply, 'ai.chat');
    const body = parseBody(v2ChatBody, request.body);
    const params = chatParamsFromV2(body);
    const charged = billing();
    if (!wantsEventStream(request, body.stream)) {
      const result = await gateway.chat(caller, params);
      return reply.send(v2ChatResponse(result.completion, result, charged));
    }
    const stream = await gateway.chatStream(caller, params);
    const deltas = new V2DeltaStream(charged);
    return pipe(request, reply, stream, {
      start: () => [],
      chunk: (chunk) => deltas.push(chunk).map((e) => JSON.stringify(e)),
      finish: (summary) => deltas.finish(summary).map((e) => JSON.stringify(e)),
      error: (failure) => ({
        data: JSON.stringify({
          error: { message: failure.message, type: failure.type, code: failure.code },
        }),
      }),
    });
  });
  app.post('/api/v2/chat/completions', { bodyLimit: GATEWAY_BODY_LIMIT }, completions);
  app.post('/api/v2/completions', { bodyLimit: GATEWAY_BODY_LIMIT }, completions);

  app.post(
    '/api/v2/embeddings',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.embeddings');
      const body = parseBody(v2EmbeddingBody, request.body);
      const result = await gateway.embeddings(caller, embeddingParamsFromV2(body));
      return reply.send(v2EmbeddingResponse(result.response, result, billing()));
    }),
  );

  app.post(
    '/api/v2/image/generations',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.images');
      const body = parseBody(v2ImageBody, request.body);
      const result = await gateway.images(caller, imageParamsFromV2(body));
      return reply.send(v2ImageResponse(result.response, result, billing()));
    }),
  );

  app.get(
    '/api/v2/status',
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.status');
      const query = parseBody(statusQuery, request.query);
      const type = modelTypeOf(query.type);
      if (type === null) throw badRequest('invalid_request', `Unknown model type "${query.type}"`, 'type');
      const model = query.model?.trim() || null;
      return reply.send(aigneStatus(services, caller.principal, model, type ?? 'chat'));
    }),
  );
}
