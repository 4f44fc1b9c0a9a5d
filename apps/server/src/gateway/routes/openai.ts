/**
 * The OpenAI-compatible API under `/api/v1`: `POST /chat/completions` (JSON, and `stream: true` as SSE with
 * `stream_options.include_usage`), `POST /embeddings`, `POST /images/generations`, `GET /models` and
 * `GET /models/:id`. Any OpenAI SDK works with `baseURL: <hub>/api/v1` and a hub API key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubApp } from '../../app';
import { z } from 'zod';
import type { HubServices } from '../../services';
import type { ChatParams, EmbeddingParams, ImageParams, TokenUsage } from '../adapters/types';
import { badRequest, toGatewayError } from '../errors';
import { gatewayCaller, sendError, SseWriter } from '../http';

/** Chat bodies carry images as data URLs; allow generous bodies here (the rest of the API keeps 1 MB). */
export const GATEWAY_BODY_LIMIT = 32 * 1024 * 1024;

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
});

const chatBody = z.looseObject({
  model: z.string().min(1, 'model is required').max(300),
  messages: z.array(message).min(1, 'messages must not be empty').max(10_000),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.number().int().min(1).max(16).nullish(),
});

const embeddingBody = z.looseObject({
  model: z.string().min(1, 'model is required').max(300),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()), z.array(z.array(z.number()))]),
});

const imageBody = z.looseObject({
  model: z.string().min(1, 'model is required').max(300),
  prompt: z.string().min(1, 'prompt is required').max(32_000),
  n: z.number().int().min(1).max(10).nullish(),
});

/** Validates a body, answering 400 in OpenAI's shape with the first offending field as `param`. */
/**
 * How deep a gateway body may nest. Real requests (tool schemas included) stay far below; a body nested
 * thousands deep would overflow the stack of every recursive walk after it (validation, token estimates,
 * JSON.stringify to upstream), so it is refused before any of them runs.
 */
export const MAX_BODY_DEPTH = 128;

/** Whether `value` nests arrays/objects deeper than `max`, found without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (nestsDeeperThan(body, MAX_BODY_DEPTH)) {
    throw badRequest(
      'invalid_request',
      `Invalid request: the body nests deeper than ${MAX_BODY_DEPTH} levels`,
      null,
    );
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.map(String).join('.') || null;
  throw badRequest(
    'invalid_request',
    `Invalid request: ${param ? `${param}: ` : ''}${issue?.message ?? 'invalid body'}`,
    param,
  );
}

/** OpenAI's usage object for a stream's final chunk (prompt tokens include cached ones there). */
export function openAIUsage(usage: TokenUsage) {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
  };
}

export function registerOpenAIRoutes(app: HubApp, services: HubServices): void {
  const gateway = services.gateway;

  const handle =
    (serve: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await serve(request, reply);
      } catch (error) {
        return reply.sent ? undefined : sendError(reply, error);
      }
    };

  app.post(
    '/api/v1/chat/completions',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.chat');
      const body = parseBody(chatBody, request.body) as unknown as ChatParams;
      if (!body.stream) {
        const result = await gateway.chat(caller, body);
        return reply.send(result.completion);
      }
      const stream = await gateway.chatStream(caller, body);
      const includeUsage = body.stream_options?.include_usage === true;
      const sse = new SseWriter(reply, request);
      let last = { id: `chatcmpl-${request.id}`, created: Math.floor(Date.now() / 1000) };
      try {
        for await (const chunk of stream.chunks) {
          last = { id: chunk.id, created: chunk.created };
          await sse.send(JSON.stringify(chunk));
        }
        if (includeUsage) {
          const { usage } = stream.summary();
          await sse.send(
            JSON.stringify({
              id: last.id,
              object: 'chat.completion.chunk',
              created: last.created,
              model: stream.model,
              choices: [],
              usage: openAIUsage(usage),
            }),
          );
        }
        await sse.send('[DONE]');
      } catch (error) {
        // Mid-stream failure: OpenAI's SDKs raise an `error` payload as an APIError.
        await sse.send(JSON.stringify(toGatewayError(error).toBody()));
      } finally {
        sse.end();
        request.log.info(
          {
            method: 'POST',
            path: '/api/v1/chat/completions',
            stream: true,
            ms: Math.round(reply.elapsedTime),
          },
          'request',
        );
      }
      return undefined;
    }),
  );

  app.post(
    '/api/v1/embeddings',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.embeddings');
      const body = parseBody(embeddingBody, request.body) as unknown as EmbeddingParams;
      const result = await gateway.embeddings(caller, body);
      return reply.send(result.response);
    }),
  );

  app.post(
    '/api/v1/images/generations',
    { bodyLimit: GATEWAY_BODY_LIMIT },
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.images');
      const body = parseBody(imageBody, request.body) as unknown as ImageParams;
      const result = await gateway.images(caller, body);
      return reply.send(result.response);
    }),
  );

  const modelList = (caller: Awaited<ReturnType<typeof gatewayCaller>>) => {
    const seen = new Set<string>();
    return gateway
      .models(caller.principal)
      .map(({ provider, rate }) => ({
        id: `${provider.name}/${rate.model}`,
        object: 'model' as const,
        created: Math.floor(rate.createdAt.getTime() / 1000),
        owned_by: provider.name,
      }))
      .filter((model) => !seen.has(model.id) && Boolean(seen.add(model.id)));
  };

  app.get(
    '/api/v1/models',
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.models');
      return reply.send({ object: 'list', data: modelList(caller) });
    }),
  );

  app.get(
    '/api/v1/models/*',
    handle(async (request, reply) => {
      const caller = await gatewayCaller(services, request, reply, 'ai.models');
      const id = decodeURIComponent((request.params as { '*': string })['*']);
      const model = modelList(caller).find((m) => m.id === id);
      if (!model) {
        return reply.code(404).send({
          error: {
            message: `The model "${id}" does not exist or you do not have access to it`,
            type: 'invalid_request_error',
            code: 'model_not_found',
            param: null,
          },
        });
      }
      return reply.send(model);
    }),
  );
}
