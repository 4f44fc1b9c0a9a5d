/**
 * A fake Gemini API (generativelanguage.googleapis.com, v1beta): `GET /models`, and per model
 * `:generateContent`, `:streamGenerateContent?alt=sse`, `:embedContent`, `:batchEmbedContents` and `:predict`
 * (Imagen), with `x-goog-api-key` (or the `key` query parameter) checked as the real API does: a wrong key is
 * 400 INVALID_ARGUMENT with reason API_KEY_INVALID, no key at all is 403 PERMISSION_DENIED.
 *
 * Chat answers are scripted with `script(...)` (see chat-script.ts). Embeddings and images are deterministic
 * (`fakeEmbedding`, `fakeImageBase64`), so tests compute what to expect.
 */
import type { ServerResponse } from 'node:http';
import {
  DisconnectWatch,
  fakeEmbedding,
  fakeImageBase64,
  finishOf,
  jsonBody,
  playStream,
  ScriptQueue,
  sleep,
  toolArguments,
  type ChatScript,
  type NeutralFinish,
} from './chat-script';
import { echoOfKey, FakeUpstream, header, type FakeReply, type FakeRequest } from './fake-upstream';

export interface FakeGeminiOptions {
  keys: readonly string[];
  models?: readonly string[];
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const FINISH_REASONS: Record<NeutralFinish, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  // Gemini ends a turn of function calls with STOP; the calls themselves say what happened.
  tool_calls: 'STOP',
  content_filter: 'SAFETY',
};

/** Dimensions of the fake's embeddings when the request does not ask for a size. */
export const GEMINI_DEFAULT_DIMENSIONS = 8;

const MODEL_ROUTE = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/;

export class FakeGemini extends FakeUpstream {
  readonly keys: Set<string>;
  readonly #scripts = new ScriptQueue();
  readonly disconnects = new DisconnectWatch();
  #ids = 0;

  private constructor(options: FakeGeminiOptions) {
    super();
    this.keys = new Set(options.keys);
    const models = options.models ?? ['gemini-2.5-flash', 'gemini-2.5-pro', 'text-embedding-004'];
    this.route('GET', '/v1beta/models', (request) => {
      return (
        this.authenticate(request) ?? {
          status: 200,
          body: {
            models: models.map((id) => ({
              name: `models/${id}`,
              version: '001',
              displayName: id,
              inputTokenLimit: 1048576,
              outputTokenLimit: 65536,
              supportedGenerationMethods: ['generateContent', 'countTokens'],
            })),
          },
        }
      );
    });
    this.route('POST', MODEL_ROUTE, (request, res) => this.#model(request, res));
  }

  static async start(options: FakeGeminiOptions): Promise<FakeGemini> {
    const fake = new FakeGemini(options);
    await fake.listen();
    return fake;
  }

  /** The base URL a provider should be configured with (the SDK adds `/v1beta/...`). */
  get baseUrl(): string {
    return this.origin;
  }

  /** Queues the answers to the next generateContent / streamGenerateContent calls, in order. */
  script(...scripts: ChatScript[]): this {
    this.#scripts.push(...scripts);
    return this;
  }

  override reset(): void {
    super.reset();
    this.#scripts.clear();
    this.disconnects.reset();
    this.#ids = 0;
  }

  /** The last request to a model method (`generateContent`, `batchEmbedContents`...) and its JSON body. */
  lastCall(): { model: string; method: string; query: URLSearchParams; body: Record<string, unknown> } {
    const request = this.requests.findLast((r) => MODEL_ROUTE.test(r.path));
    if (!request) throw new Error('no model method was called');
    const [, model = '', method = ''] = MODEL_ROUTE.exec(request.path) ?? [];
    return { model: decodeURIComponent(model), method, query: request.query, body: jsonBody(request) };
  }

  authenticate(request: FakeRequest): FakeReply | null {
    const key = header(request.headers, 'x-goog-api-key') ?? request.query.get('key');
    if (key === null) {
      return googleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (this.keys.has(key)) return null;
    return googleError(400, `API key not valid. Please pass a valid API key. (${echoOfKey(key)})`, [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ]);
  }

  protected errorReply(status: number, message: string): FakeReply {
    return googleError(status, status >= 500 ? 'An internal error has occurred.' : message);
  }

  async #model(request: FakeRequest, res: ServerResponse): Promise<FakeReply | undefined> {
    const refused = this.authenticate(request);
    if (refused) return refused;
    const [, rawModel = '', method = ''] = MODEL_ROUTE.exec(request.path) ?? [];
    const model = decodeURIComponent(rawModel);
    const body = jsonBody(request);
    switch (method) {
      case 'generateContent':
      case 'streamGenerateContent':
        return this.#generate(model, method === 'streamGenerateContent', request, body, res);
      case 'embedContent':
        return embedContent(body);
      case 'batchEmbedContents':
        return batchEmbedContents(model, body);
      case 'predict':
        return predict(body);
      default:
        return googleError(404, `Method ${method} not found for model ${model}.`);
    }
  }

  async #generate(
    model: string,
    stream: boolean,
    request: FakeRequest,
    body: Record<string, unknown>,
    res: ServerResponse,
  ): Promise<FakeReply | undefined> {
    if (!Array.isArray(body.contents) || body.contents.length === 0) {
      return googleError(400, '* GenerateContentRequest.contents: contents is not specified\n');
    }
    if (stream && request.query.get('alt') !== 'sse') {
      return googleError(400, 'This fake streams only as server-sent events (alt=sse).');
    }
    const script = this.#scripts.next();
    if (script.delayMs) await sleep(script.delayMs);
    if (res.destroyed) return undefined;
    if (script.error) return scriptedError(script.error);
    const responseId = `fakeResponse${++this.#ids}`;
    const version = script.model ?? model;
    if (!stream) return { status: 200, body: wholeAnswer(script, version, responseId) };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    await playStream(res, streamChunks(script, version, responseId).map(sseData), {
      interrupt: script.interrupt,
      errorFrame: (status, message) =>
        sseData({ error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }),
      watch: this.disconnects,
      gapMs: script.eventGapMs,
    });
    return undefined;
  }
}

function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

function finishReason(script: ChatScript): string {
  return script.nativeFinish ?? FINISH_REASONS[finishOf(script)];
}

function usageMetadata(script: ChatScript) {
  const usage = script.usage ?? { input: 0, output: 0 };
  const cached = usage.cacheRead ?? 0;
  const prompt = usage.input + cached;
  const thoughts = usage.thoughts ?? 0;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: usage.output,
    totalTokenCount: prompt + usage.output + thoughts,
    ...(cached > 0 && { cachedContentTokenCount: cached }),
    ...(thoughts > 0 && { thoughtsTokenCount: thoughts }),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

function callParts(script: ChatScript) {
  return (script.toolCalls ?? []).map((call) => ({
    functionCall: { ...(call.id && { id: call.id }), name: call.name, args: toolArguments(call) },
    ...(call.signature && { thoughtSignature: call.signature }),
  }));
}

function imageParts(script: ChatScript) {
  return (script.images ?? []).map((image) => ({
    inlineData: { mimeType: image.mimeType, data: image.data },
  }));
}

function wholeAnswer(script: ChatScript, modelVersion: string, responseId: string) {
  const parts = [
    ...(script.text ? [{ text: script.text.join('') }] : []),
    ...callParts(script),
    ...imageParts(script),
  ];
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: finishReason(script), index: 0 }],
    usageMetadata: usageMetadata(script),
    modelVersion,
    responseId,
  };
}

/** One chunk per text piece, one with all the function calls, then the finish with the full usage. */
function streamChunks(script: ChatScript, modelVersion: string, responseId: string) {
  const usage = usageMetadata(script);
  const partial = { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount };
  const chunk = (parts: unknown[], extra: Record<string, unknown> = {}, usageMeta: unknown = partial) => ({
    candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }],
    usageMetadata: usageMeta,
    modelVersion,
    responseId,
  });
  const chunks = (script.text ?? []).map((text) => chunk([{ text }]));
  if (script.toolCalls?.length) chunks.push(chunk(callParts(script)));
  if (script.images?.length) chunks.push(chunk(imageParts(script)));
  chunks.push(chunk([{ text: '' }], { finishReason: finishReason(script) }, usage));
  return chunks;
}

function textOf(content: unknown): string {
  const parts = (content as { parts?: { text?: string }[] } | undefined)?.parts ?? [];
  return parts.map((part) => part.text ?? '').join('');
}

function embedContent(body: Record<string, unknown>): FakeReply {
  const dims = (body.outputDimensionality as number | undefined) ?? GEMINI_DEFAULT_DIMENSIONS;
  return { status: 200, body: { embedding: { values: fakeEmbedding(textOf(body.content), dims) } } };
}

function batchEmbedContents(model: string, body: Record<string, unknown>): FakeReply {
  const requests = body.requests as
    { model?: string; content?: unknown; outputDimensionality?: number }[] | undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    return googleError(400, '* BatchEmbedContentsRequest.requests: requests is not specified');
  }
  for (const [index, request] of requests.entries()) {
    if (request.model !== `models/${model}`) {
      return googleError(
        400,
        `* BatchEmbedContentsRequest.requests[${index}].model: The model in the request (${request.model}) does not match the model in the URL (models/${model}).`,
      );
    }
  }
  return {
    status: 200,
    body: {
      embeddings: requests.map((request) => ({
        values: fakeEmbedding(
          textOf(request.content),
          request.outputDimensionality ?? GEMINI_DEFAULT_DIMENSIONS,
        ),
      })),
    },
  };
}

/** Imagen's `:predict`: one PNG per requested sample. */
function predict(body: Record<string, unknown>): FakeReply {
  const instances = body.instances as { prompt?: string }[] | undefined;
  const prompt = instances?.[0]?.prompt;
  if (typeof prompt !== 'string') return googleError(400, 'instances[0].prompt is required');
  const count = (body.parameters as { sampleCount?: number } | undefined)?.sampleCount ?? 4;
  const mimeType =
    (body.parameters as { outputOptions?: { mimeType?: string } } | undefined)?.outputOptions?.mimeType ??
    'image/png';
  return {
    status: 200,
    body: {
      predictions: Array.from({ length: count }, (_, i) => ({
        mimeType,
        bytesBase64Encoded: fakeImageBase64(prompt, i),
      })),
    },
  };
}

function scriptedError(error: NonNullable<ChatScript['error']>): FakeReply {
  const { status, message, retryAfterSeconds } = error;
  const details =
    retryAfterSeconds === undefined
      ? undefined
      : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` }];
  return googleError(
    status,
    message ?? (status >= 500 ? 'An internal error has occurred.' : `Scripted ${status}`),
    details,
  );
}

function googleError(status: number, message: string, details?: unknown[]): FakeReply {
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
        ...(details && { details }),
      },
    },
  };
}
