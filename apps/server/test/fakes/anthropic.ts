/**
 * A fake Anthropic API: `GET /v1/models` and `POST /v1/messages` (JSON, and SSE when `stream: true`), with
 * `x-api-key` and `anthropic-version` checked as the real API does, answering in Anthropic's shapes
 * (`{ type: 'error', error: { type, message } }` for errors, `event: error` inside a stream).
 *
 * Answers to `/v1/messages` are scripted with `script(...)` (see chat-script.ts); every request is logged in
 * `requests` so that tests can assert the exact body the adapter sent.
 */
import type { ServerResponse } from 'node:http';
import {
  DisconnectWatch,
  finishOf,
  fullText,
  jsonBody,
  playStream,
  ScriptQueue,
  sleep,
  toolArguments,
  type ChatScript,
  type NeutralFinish,
} from './chat-script';
import { echoOfKey, FakeUpstream, header, type FakeReply, type FakeRequest } from './fake-upstream';

export interface FakeAnthropicOptions {
  keys: readonly string[];
  models?: readonly string[];
}

const STOP_REASONS: Record<NeutralFinish, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** The error type Anthropic documents for each status. */
export function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    402: 'billing_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    504: 'timeout_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export class FakeAnthropic extends FakeUpstream {
  readonly keys: Set<string>;
  readonly #scripts = new ScriptQueue();
  /** Streams the client abandoned before they were complete. */
  readonly disconnects = new DisconnectWatch();
  #ids = 0;

  private constructor(options: FakeAnthropicOptions) {
    super();
    this.keys = new Set(options.keys);
    const models = options.models ?? ['claude-sonnet-4-5', 'claude-haiku-4-5'];
    this.route('GET', '/v1/models', (request) => {
      return (
        this.authenticate(request) ?? {
          status: 200,
          body: {
            data: models.map((id) => ({
              type: 'model',
              id,
              display_name: id,
              created_at: '2025-10-01T00:00:00Z',
            })),
            has_more: false,
            first_id: models[0] ?? null,
            last_id: models.at(-1) ?? null,
          },
        }
      );
    });
    this.route('POST', '/v1/messages', (request, res) => this.#messages(request, res));
  }

  static async start(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic(options);
    await fake.listen();
    return fake;
  }

  /** The base URL a provider should be configured with (the SDK adds `/v1/...`). */
  get baseUrl(): string {
    return this.origin;
  }

  /** Queues the answers to the next `/v1/messages` calls, in order. */
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

  /** The JSON body of the last `/v1/messages` request. */
  lastMessagesBody(): Record<string, unknown> {
    const request = this.requests.findLast((r) => r.path === '/v1/messages');
    if (!request) throw new Error('no /v1/messages request was received');
    return jsonBody(request);
  }

  /** Null when the key is accepted and the version header present; else Anthropic's error answer. */
  authenticate(request: FakeRequest): FakeReply | null {
    const key = header(request.headers, 'x-api-key');
    if (key === null) return anthropicError(401, 'x-api-key header is required');
    if (!this.keys.has(key)) return anthropicError(401, `invalid x-api-key: ${echoOfKey(key)}`);
    if (header(request.headers, 'anthropic-version') === null) {
      return anthropicError(400, 'anthropic-version: header is required');
    }
    return null;
  }

  protected errorReply(status: number, message: string): FakeReply {
    if (status === 529) return anthropicError(status, 'Overloaded');
    if (status >= 500) return anthropicError(status, 'Internal server error');
    return anthropicError(status, message);
  }

  async #messages(request: FakeRequest, res: ServerResponse): Promise<FakeReply | undefined> {
    const refused = this.authenticate(request);
    if (refused) return refused;
    const body = jsonBody(request);
    for (const field of ['model', 'messages', 'max_tokens']) {
      if (body[field] === undefined) return anthropicError(400, `${field}: Field required`);
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
    const model = script.model ?? (body.model as string);
    const id = `msg_fake${++this.#ids}`;
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': `req_${id}` });
      await playStream(res, streamEvents(id, model, script), {
        interrupt: script.interrupt,
        errorFrame: (status, message) =>
          sse('error', { type: 'error', error: { type: anthropicErrorType(status), message } }),
        watch: this.disconnects,
        gapMs: script.eventGapMs,
      });
      return undefined;
    }
    return { status: 200, headers: { 'request-id': `req_${id}` }, body: message(id, model, script) };
  }
}

function stopReason(script: ChatScript): string {
  return script.nativeFinish ?? STOP_REASONS[finishOf(script)];
}

function usageOf(script: ChatScript) {
  const usage = script.usage ?? { input: 0, output: 0 };
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: usage.cacheWrite ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWrite ?? 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: usage.output,
    service_tier: 'standard',
  };
}

function toolId(script: ChatScript, index: number): string {
  return script.toolCalls?.[index]?.id ?? `toolu_fake${index + 1}`;
}

function message(id: string, model: string, script: ChatScript) {
  const content: unknown[] = [];
  if (script.text) content.push({ type: 'text', text: fullText(script) });
  for (const [index, call] of (script.toolCalls ?? []).entries()) {
    content.push({
      type: 'tool_use',
      id: toolId(script, index),
      name: call.name,
      input: toolArguments(call),
    });
  }
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(script),
    stop_sequence: null,
    usage: usageOf(script),
  };
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The SSE events of the real Messages stream, in the real order (a ping after the first block starts). */
function streamEvents(id: string, model: string, script: ChatScript): string[] {
  const usage = usageOf(script);
  const events = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (script.text) {
    events.push(
      sse('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      }),
    );
    events.push(sse('ping', { type: 'ping' }));
    for (const text of script.text) {
      events.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text },
        }),
      );
    }
    events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  for (const [n, call] of (script.toolCalls ?? []).entries()) {
    events.push(
      sse('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: toolId(script, n), name: call.name, input: {} },
      }),
    );
    for (const partial of ['', ...call.arguments]) {
      events.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: partial },
        }),
      );
    }
    events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  events.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason(script), stop_sequence: null },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
      },
    }),
  );
  events.push(sse('message_stop', { type: 'message_stop' }));
  return events;
}

function anthropicError(status: number, message: string): FakeReply {
  return {
    status,
    headers: { 'request-id': `req_fake${status}` },
    body: {
      type: 'error',
      error: { type: anthropicErrorType(status), message },
      request_id: `req_fake${status}`,
    },
  };
}
