/**
 * A fake Amazon Bedrock: the control plane (`GET /foundation-models`) and the runtime (`POST
 * /model/{modelId}/converse`, `/converse-stream` as a binary `application/vnd.amazon.eventstream`, `/invoke`
 * for Titan embeddings and Titan / Nova Canvas images), every request's SigV4 signature verified against the
 * access key pairs it knows (sigv4.ts), errors in AWS's restJson1 form (`x-amzn-ErrorType` header +
 * `{ message }` body), in-stream errors as event-stream exception messages.
 *
 * One origin serves both APIs, as a proxy would (the adapters use the provider's base URL for both). The
 * control-plane SDK client speaks HTTP/1.1; the runtime SDK client speaks HTTP/2 (its default transport, h2c
 * on a plain-http endpoint). So the advertised origin is a small splitter: it looks at the first bytes of each
 * connection and passes HTTP/2 connections to an HTTP/2 server that relays each stream to the HTTP/1.1 server
 * where the routes, the request log and the fault injection live. Closing or resetting a stream on one side
 * closes it on the other, so a client that goes away is still seen by `disconnects`.
 */
import http, { type ServerResponse } from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
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
import { FakeUpstream, header, type FakeReply, type FakeRequest } from './fake-upstream';
import { verifySigV4 } from './sigv4';

export interface FakeBedrockOptions {
  region: string;
  /** Access key id -> secret access key. */
  keyPairs: ReadonlyMap<string, string>;
  models?: readonly string[];
}

const ERROR_CODES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** The event-stream exception types ConverseStream can send (the member names of its union). */
const STREAM_EXCEPTIONS: Record<number, string> = {
  400: 'validationException',
  429: 'throttlingException',
  500: 'internalServerException',
  503: 'serviceUnavailableException',
  424: 'modelStreamErrorException',
};

const STOP_REASONS: Record<NeutralFinish, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'content_filtered',
};

/** Titan Text Embeddings v2's default size. */
export const TITAN_DEFAULT_DIMENSIONS = 1024;

const RUNTIME_ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const H2_PREFACE = 'PRI * HTTP/2.0\r\n';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

export class FakeBedrock extends FakeUpstream {
  readonly #scripts = new ScriptQueue();
  /** Streams the client abandoned before they were complete. */
  readonly disconnects = new DisconnectWatch();
  readonly #front = net.createServer((socket) => this.#split(socket));
  readonly #h2 = http2.createServer();
  readonly #sockets = new Set<net.Socket>();
  #frontOrigin = '';
  #h2Port = 0;

  private constructor(readonly options: FakeBedrockOptions) {
    super();
    const models = options.models ?? [
      'anthropic.claude-3-haiku-20240307-v1:0',
      'amazon.titan-embed-text-v2:0',
    ];
    this.route('GET', '/foundation-models', (request) => {
      return (
        this.authenticate(request) ?? {
          status: 200,
          body: {
            modelSummaries: models.map((modelId) => ({
              modelArn: `arn:aws:bedrock:${options.region}::foundation-model/${modelId}`,
              modelId,
              modelName: modelId,
              providerName: modelId.split('.')[0],
              inputModalities: ['TEXT'],
              outputModalities: ['TEXT'],
              responseStreamingSupported: true,
              customizationsSupported: [],
              inferenceTypesSupported: ['ON_DEMAND'],
              modelLifecycle: { status: 'ACTIVE' },
            })),
          },
        }
      );
    });
    this.route('POST', RUNTIME_ROUTE, (request, res) => this.#runtime(request, res));
    this.#h2.on('request', (req, res) => this.#relay(req, res));
  }

  static async start(options: FakeBedrockOptions): Promise<FakeBedrock> {
    const fake = new FakeBedrock(options);
    await fake.listen();
    await new Promise<void>((resolve) => fake.#h2.listen(0, '127.0.0.1', resolve));
    fake.#h2Port = (fake.#h2.address() as AddressInfo).port;
    await new Promise<void>((resolve) => fake.#front.listen(0, '127.0.0.1', resolve));
    fake.#frontOrigin = `http://127.0.0.1:${(fake.#front.address() as AddressInfo).port}`;
    return fake;
  }

  /** The endpoint a provider should be configured with (in place of bedrock.<region>.amazonaws.com). */
  get baseUrl(): string {
    return this.#frontOrigin;
  }

  override async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => this.#front.close(() => resolve())),
      new Promise<void>((resolve) => this.#h2.close(() => resolve())),
      super.close(),
    ]);
  }

  /** Queues the answers to the next converse / converse-stream calls, in order. */
  script(...scripts: ChatScript[]): this {
    this.#scripts.push(...scripts);
    return this;
  }

  override reset(): void {
    super.reset();
    this.#scripts.clear();
    this.disconnects.reset();
  }

  /** The last runtime request: its model id (decoded), operation and JSON body. */
  lastRuntimeCall(): {
    modelId: string;
    operation: string;
    body: Record<string, unknown>;
    request: FakeRequest;
  } {
    const request = this.requests.findLast((r) => RUNTIME_ROUTE.test(r.path));
    if (!request) throw new Error('no runtime request was received');
    const [, modelId = '', operation = ''] = RUNTIME_ROUTE.exec(request.path) ?? [];
    return { modelId: decodeURIComponent(modelId), operation, body: jsonBody(request), request };
  }

  /** Null when the SigV4 signature is valid for one of the known key pairs; else AWS's 403. */
  authenticate(request: FakeRequest): FakeReply | null {
    // The HTTP/2 relay carries the stream's `:authority` as `host`; an HTTP/2 client signs it under that name.
    const signed = { ...request, headers: { ...request.headers, ':authority': request.headers.host } };
    const failure = verifySigV4(signed, {
      region: this.options.region,
      service: 'bedrock',
      secrets: this.options.keyPairs,
      now: new Date(),
    });
    if (!failure) return null;
    // AWS names the key it did not recognise; redaction on the hub's side must cope.
    const named = failure.accessKeyId ? ` (access key ${failure.accessKeyId})` : '';
    return awsError(403, failure.code, `${failure.message}${named}`);
  }

  protected errorReply(status: number, message: string): FakeReply {
    return awsError(
      status,
      ERROR_CODES[status] ?? 'UnknownError',
      status >= 500 ? 'Internal server error' : message,
    );
  }

  /** Passes an HTTP/2 connection to the HTTP/2 relay and anything else to the HTTP/1.1 server. */
  #split(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      const port = first.toString('latin1').startsWith(H2_PREFACE)
        ? this.#h2Port
        : Number(new URL(this.origin).port);
      const backend = net.connect(port, '127.0.0.1');
      this.#sockets.add(backend);
      backend.on('close', () => {
        this.#sockets.delete(backend);
        socket.destroy();
      });
      backend.on('error', () => backend.destroy());
      socket.on('close', () => backend.destroy());
      backend.write(first);
      socket.pipe(backend);
      backend.pipe(socket);
    });
  }

  /** Relays one HTTP/2 stream to the HTTP/1.1 server; a reset on either side resets the other. */
  #relay(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!name.startsWith(':') && value !== undefined) headers[name] = value;
    }
    headers.host = req.headers[':authority'];
    // Http2ServerResponse reports writableFinished once its stream is gone, even if the client reset it.
    let relayed = false;
    const reset = () => {
      if (!res.stream.destroyed) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    };
    const upstream = http.request(
      `${this.origin}${req.url}`,
      { method: req.method, headers, agent: false },
      (answer) => {
        const out: http2.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (!['connection', 'keep-alive', 'transfer-encoding'].includes(name)) out[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, out);
        answer.on('data', (chunk: Buffer) => res.write(chunk));
        answer.on('end', () => {
          relayed = true;
          res.end();
        });
        answer.on('close', () => {
          if (!answer.complete) reset();
        });
        answer.on('error', reset);
      },
    );
    upstream.on('error', reset);
    res.on('close', () => {
      if (!relayed) upstream.destroy();
    });
    req.pipe(upstream);
  }

  async #runtime(request: FakeRequest, res: ServerResponse): Promise<FakeReply | undefined> {
    const refused = this.authenticate(request);
    if (refused) return refused;
    const [, rawModel = '', operation = ''] = RUNTIME_ROUTE.exec(request.path) ?? [];
    const modelId = decodeURIComponent(rawModel);
    const body = jsonBody(request);
    if (operation === 'invoke') return invoke(modelId, body);
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return awsError(400, 'ValidationException', 'The messages field is required.');
    }
    const script = this.#scripts.next();
    if (script.delayMs) await sleep(script.delayMs);
    if (res.destroyed) return undefined;
    if (script.error) {
      const { status, message, retryAfterSeconds } = script.error;
      const reply = this.errorReply(status, message ?? `Scripted ${status}`);
      if (retryAfterSeconds !== undefined)
        reply.headers = { ...reply.headers, 'retry-after': `${retryAfterSeconds}` };
      return reply;
    }
    if (operation === 'converse')
      return { status: 200, headers: requestIdHeader(), body: converseAnswer(script) };
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', ...requestIdHeader() });
    await playStream(res, streamEvents(script), {
      interrupt: script.interrupt,
      errorFrame: (status, message) =>
        codec.encode({
          headers: stringHeaders({
            ':message-type': 'exception',
            ':exception-type': STREAM_EXCEPTIONS[status] ?? 'internalServerException',
            ':content-type': 'application/json',
          }),
          body: utf8(JSON.stringify({ message })),
        }),
      watch: this.disconnects,
      gapMs: script.eventGapMs,
    });
    return undefined;
  }
}

function requestIdHeader(): Record<string, string> {
  return { 'x-amzn-requestid': '11111111-2222-4333-8444-555555555555' };
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

function stringHeaders(values: Record<string, string>): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(values)) headers[name] = { type: 'string', value };
  return headers;
}

function event(type: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: stringHeaders({
      ':event-type': type,
      ':content-type': 'application/json',
      ':message-type': 'event',
    }),
    body: utf8(JSON.stringify(payload)),
  });
}

function stopReason(script: ChatScript): string {
  return script.nativeFinish ?? STOP_REASONS[finishOf(script)];
}

function usageOf(script: ChatScript) {
  const usage = script.usage ?? { input: 0, output: 0 };
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  return {
    inputTokens: usage.input,
    outputTokens: usage.output,
    totalTokens: usage.input + usage.output + cacheRead + cacheWrite,
    ...(cacheRead > 0 && { cacheReadInputTokens: cacheRead }),
    ...(cacheWrite > 0 && { cacheWriteInputTokens: cacheWrite }),
  };
}

function toolUseId(script: ChatScript, index: number): string {
  return script.toolCalls?.[index]?.id ?? `tooluse_fake${index + 1}`;
}

function converseAnswer(script: ChatScript) {
  const content: unknown[] = [];
  if (script.text) content.push({ text: script.text.join('') });
  for (const [index, call] of (script.toolCalls ?? []).entries()) {
    content.push({
      toolUse: { toolUseId: toolUseId(script, index), name: call.name, input: toolArguments(call) },
    });
  }
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReason(script),
    usage: usageOf(script),
    metrics: { latencyMs: 42 },
  };
}

/** The events of a real ConverseStream: text blocks start with their first delta, tool blocks with a start. */
function streamEvents(script: ChatScript): Uint8Array[] {
  const events = [event('messageStart', { role: 'assistant' })];
  let index = 0;
  if (script.text) {
    for (const text of script.text)
      events.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { text } }));
    events.push(event('contentBlockStop', { contentBlockIndex: index }));
    index += 1;
  }
  for (const [n, call] of (script.toolCalls ?? []).entries()) {
    events.push(
      event('contentBlockStart', {
        contentBlockIndex: index,
        start: { toolUse: { toolUseId: toolUseId(script, n), name: call.name } },
      }),
    );
    for (const input of call.arguments) {
      events.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input } } }));
    }
    events.push(event('contentBlockStop', { contentBlockIndex: index }));
    index += 1;
  }
  events.push(event('messageStop', { stopReason: stopReason(script) }));
  events.push(event('metadata', { usage: usageOf(script), metrics: { latencyMs: 42 } }));
  return events;
}

/** InvokeModel for the model families the hub translates: Titan text embeddings, Titan / Nova Canvas images. */
function invoke(modelId: string, body: Record<string, unknown>): FakeReply {
  if (modelId.startsWith('amazon.titan-embed-text')) {
    if (typeof body.inputText !== 'string')
      return awsError(400, 'ValidationException', 'inputText is required');
    const dims = (body.dimensions as number | undefined) ?? TITAN_DEFAULT_DIMENSIONS;
    const embedding = fakeEmbedding(body.inputText, dims);
    return {
      status: 200,
      headers: requestIdHeader(),
      body: {
        embedding,
        embeddingsByType: { float: embedding },
        inputTextTokenCount: body.inputText.split(/\s+/).length,
      },
    };
  }
  if (modelId.startsWith('amazon.titan-image-generator') || modelId.startsWith('amazon.nova-canvas')) {
    const params = body.textToImageParams as { text?: string } | undefined;
    if (body.taskType !== 'TEXT_IMAGE' || typeof params?.text !== 'string') {
      return awsError(
        400,
        'ValidationException',
        'taskType TEXT_IMAGE with textToImageParams.text is required',
      );
    }
    const count =
      (body.imageGenerationConfig as { numberOfImages?: number } | undefined)?.numberOfImages ?? 1;
    const text = params.text;
    return {
      status: 200,
      headers: requestIdHeader(),
      body: { images: Array.from({ length: count }, (_, i) => fakeImageBase64(text, i)), error: null },
    };
  }
  return awsError(
    400,
    'ValidationException',
    `The provided model ${modelId} does not support InvokeModel in this fake.`,
  );
}

function awsError(status: number, code: string, message: string): FakeReply {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
      'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
    },
    body: { message },
  };
}

/** Whether a request was signed (for tests asserting the SDK signed what they expect). */
export function signedWith(request: FakeRequest, accessKeyId: string): boolean {
  return (header(request.headers, 'authorization') ?? '').includes(`Credential=${accessKeyId}/`);
}
