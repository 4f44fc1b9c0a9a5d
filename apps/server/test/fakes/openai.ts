/**
 * A fake OpenAI (and any OpenAI-compatible API: DeepSeek, xAI, OpenRouter, Ollama) with
 * `Authorization: Bearer <key>`, answering in OpenAI's JSON and SSE shapes, errors included:
 * `GET {prefix}/models`, `POST {prefix}/chat/completions` (JSON and `stream: true`), `POST {prefix}/embeddings`,
 * `POST {prefix}/images/generations`. What the chat answers is scripted by tests (`chat`), and faults can be
 * set per key (`keyFaults`) so that failover between credentials of one provider can be shown.
 */
import type { ServerResponse } from 'node:http';
import {
  bearerToken,
  echoOfKey,
  FakeUpstream,
  type Fault,
  type FakeReply,
  type FakeRequest,
} from './fake-upstream';

/** What the next chat completions answer. */
export interface ChatScript {
  /** The reply text (default: `Echo: <last user message>`). */
  text?: string;
  /** Into how many stream chunks the text is split (default 4). */
  chunks?: number;
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
  /** Tool calls instead of text. */
  toolCalls?: { id: string; name: string; arguments: string }[];
  /** Milliseconds between stream chunks. */
  chunkDelayMs?: number;
  /** Cut the connection after this many content chunks (a stream that stops midway). */
  cutAfterChunks?: number;
}

export const DEFAULT_USAGE = { prompt_tokens: 11, completion_tokens: 7, cached_tokens: 0 };

export interface FakeOpenAIOptions {
  /** Keys the fake accepts. */
  keys: readonly string[];
  /** Path prefix of the API (OpenAI: '/v1'; DeepSeek serves at the root: ''). */
  prefix?: string;
  models?: readonly string[];
  /** Accept calls without any key (a local Ollama). */
  keyless?: boolean;
}

export class FakeOpenAI extends FakeUpstream {
  readonly keys: Set<string>;
  readonly prefix: string;
  chat: ChatScript = {};
  /** A fault only for requests made with this key. */
  readonly keyFaults = new Map<string, Fault>();
  /** Streams whose client went away before the end. */
  abortedStreams = 0;

  private constructor(readonly options: FakeOpenAIOptions) {
    super();
    this.keys = new Set(options.keys);
    this.prefix = options.prefix ?? '/v1';
    const models = options.models ?? ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];
    this.route('GET', `${this.prefix}/models`, (request) => {
      return (
        this.authenticate(request) ?? {
          status: 200,
          body: {
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })),
          },
        }
      );
    });
  }

  /** The inference routes (after the constructor's, which they share `authenticate` with). */
  #inference(): void {
    this.route('POST', `${this.prefix}/chat/completions`, (request, res) =>
      this.#gate(request, () => this.#chat(request, res)),
    );
    this.route('POST', `${this.prefix}/embeddings`, (request) =>
      this.#gate(request, () => {
        const body = JSON.parse(request.body.toString()) as {
          model: string;
          input: string | string[];
          encoding_format?: 'float' | 'base64';
        };
        const inputs = Array.isArray(body.input) ? body.input : [body.input];
        const vector = (text: string) => Array.from({ length: 8 }, (_, i) => (text.length + i) / 100);
        // The openai SDK asks for base64 (float32, little-endian) and decodes it itself.
        const encode = (values: number[]) =>
          body.encoding_format === 'base64'
            ? Buffer.from(new Float32Array(values).buffer).toString('base64')
            : values;
        return {
          status: 200,
          body: {
            object: 'list',
            model: body.model,
            data: inputs.map((text, index) => ({
              object: 'embedding',
              index,
              embedding: encode(vector(text)),
            })),
            usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 },
          },
        };
      }),
    );
    this.route('POST', `${this.prefix}/images/generations`, (request) =>
      this.#gate(request, () => {
        const body = JSON.parse(request.body.toString()) as { n?: number };
        return {
          status: 200,
          body: {
            created: 1715367049,
            data: Array.from({ length: body.n ?? 1 }, () => ({ b64_json: 'iVBORw0KGgo=' })),
          },
        };
      }),
    );
  }

  /** Key check, then the key's own fault if any, then the answer. */
  async #gate(
    request: FakeRequest,
    answer: () => FakeReply | undefined | Promise<FakeReply | undefined>,
  ): Promise<FakeReply | undefined> {
    const denied = this.authenticate(request);
    if (denied) return denied;
    const fault = this.keyFaults.get(bearerToken(request.headers) ?? '');
    if (fault?.type === 'status') {
      const reply = this.errorReply(fault.status, 'Injected fault');
      if (fault.status === 429) reply.headers = { ...reply.headers, 'retry-after': '20' };
      return reply;
    }
    if (fault?.type === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    return answer();
  }

  async #chat(request: FakeRequest, res: ServerResponse): Promise<FakeReply | undefined> {
    const body = JSON.parse(request.body.toString()) as {
      model: string;
      messages: { role: string; content: unknown }[];
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
    };
    const script = this.chat;
    const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
    const text = script.text ?? `Echo: ${typeof lastUser?.content === 'string' ? lastUser.content : '...'}`;
    const usage = script.usage ?? DEFAULT_USAGE;
    const openaiUsage = {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
    };
    const base = { id: 'chatcmpl-fake', created: 1715367049, model: `${body.model}-2024-07-18` };
    const toolCalls = script.toolCalls?.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
    if (!body.stream) {
      return {
        status: 200,
        body: {
          ...base,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: toolCalls ? null : text,
                refusal: null,
                ...(toolCalls && { tool_calls: toolCalls }),
              },
              finish_reason: toolCalls ? 'tool_calls' : 'stop',
              logprobs: null,
            },
          ],
          usage: openaiUsage,
        },
      };
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
    const pieces = toolCalls ? [] : split(text, script.chunks ?? 4);
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    let done = false;
    void closed.then(() => {
      if (!done) this.abortedStreams += 1;
    });
    res.write(chunk({ role: 'assistant', content: '' }));
    for (const [i, piece] of pieces.entries()) {
      if (script.chunkDelayMs)
        await Promise.race([new Promise((r) => setTimeout(r, script.chunkDelayMs)), closed]);
      if (res.destroyed) return undefined;
      if (script.cutAfterChunks !== undefined && i >= script.cutAfterChunks) {
        // Let what was written reach the client first: destroy() drops anything still buffered.
        await new Promise((resolve) => setTimeout(resolve, 30));
        res.destroy();
        return undefined;
      }
      res.write(chunk({ content: piece }));
    }
    toolCalls?.forEach((call, index) => {
      res.write(
        chunk({
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
          ],
        }),
      );
      res.write(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
    });
    res.write(chunk({}, toolCalls ? 'tool_calls' : 'stop'));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: openaiUsage })}\n\n`,
      );
    }
    done = true;
    res.end('data: [DONE]\n\n');
    return undefined;
  }

  static async start(options: FakeOpenAIOptions): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(options);
    fake.#inference();
    await fake.listen();
    return fake;
  }

  /** The base URL a provider should be configured with. */
  get baseUrl(): string {
    return this.origin + this.prefix;
  }

  /** Null when the request carries an accepted key; else OpenAI's 401 (quoting the key, as OpenAI does). */
  authenticate(request: FakeRequest): FakeReply | null {
    const key = bearerToken(request.headers);
    if (key === null) {
      if (this.options.keyless) return null;
      return openaiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        null,
      );
    }
    if (this.keys.has(key)) return null;
    return openaiError(
      401,
      `Incorrect API key provided: ${echoOfKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      'invalid_api_key',
    );
  }

  protected errorReply(status: number, message: string): FakeReply {
    if (status >= 500) {
      return openaiError(
        status,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
      );
    }
    return openaiError(status, message, 'invalid_request_error', null);
  }
}

function openaiError(status: number, message: string, type: string, code: string | null): FakeReply {
  return {
    status,
    headers: { 'x-request-id': `req_fake${status}` },
    body: { error: { message, type, param: null, code } },
  };
}

/** `text` in `count` nearly equal pieces (at least one character each). */
function split(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
