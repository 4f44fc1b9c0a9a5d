// @vitest-environment node
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainGatewayError, GatewayError, listModels, streamChat } from './gateway';

/**
 * A real HTTP server on 127.0.0.1 answering the way the hub's gateway does: SSE chunks in OpenAI's shape, errors
 * as `{ error: {...} }` with statuses, an error event mid-stream, a stream that breaks off, a slow stream.
 */
const chunk = (content: string | null, extra: object = {}) =>
  `data: ${JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'fake/gpt-4o-mini',
    choices: content === null ? [] : [{ index: 0, delta: { content }, finish_reason: null }],
    ...extra,
  })}\n\n`;

const requests: { url: string; body: unknown; headers: http.IncomingHttpHeaders }[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (piece: Buffer) => (raw += piece.toString()));
    req.on('end', () => {
      const scenario = req.headers['x-scenario'] ?? new URL(req.url ?? '/', 'http://x').searchParams.get('s');
      requests.push({ url: req.url ?? '', body: raw ? JSON.parse(raw) : null, headers: req.headers });
      const sse = () => res.writeHead(200, { 'content-type': 'text/event-stream' });
      const fail = (status: number, type: string, code: string, message: string, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ error: { message, type, code, param: null } }));
      };
      switch (scenario) {
        case 'ok':
          sse();
          // One event split across two writes, and a usage chunk with no choices, as the hub sends them.
          res.write(chunk('', { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }));
          res.write(chunk('Hel').slice(0, 20));
          res.write(chunk('Hel').slice(20));
          res.write(chunk('lo!'));
          res.write(
            `data: ${JSON.stringify({ model: 'fake/gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
          );
          res.write(
            chunk(null, {
              usage: { prompt_tokens: 11, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 2 } },
            }),
          );
          res.end('data: [DONE]\n\n');
          return;
        case '402':
          return fail(
            402,
            'insufficient_quota',
            'insufficient_credits',
            'Not enough credits for this request',
          );
        case '429':
          return fail(429, 'rate_limit_error', 'rate_limited', 'Too many requests for this key', {
            'retry-after': '20',
          });
        case '502html':
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html>Bad Gateway</html>');
          return;
        case 'midstream':
          sse();
          res.write(chunk('Partial'));
          res.end(
            `data: ${JSON.stringify({ error: { message: 'The provider failed: boom', type: 'upstream_error', code: 'upstream_error' } })}\n\n`,
          );
          return;
        case 'cut':
          sse();
          res.write(chunk('Half a'));
          setTimeout(() => res.destroy(), 20);
          return;
        case 'slow':
          sse();
          res.write(chunk('Slow '));
          // Never ends on its own: the client must stop it.
          req.socket.on('close', () => res.destroy());
          return;
        case 'models':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ object: 'list', data: [{ id: 'fake/gpt-4o-mini' }, { id: 'fake/gpt-4o' }, {}] }),
          );
          return;
        default:
          return fail(404, 'not_found_error', 'not_found', 'No such scenario');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const scenario =
  (name: string): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-scenario': name } });

const ask = { model: 'fake/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('streamChat', () => {
  it('streams the text, reports each step, and reads the usage of the last chunk', async () => {
    const seen: string[] = [];
    const result = await streamChat(
      { ...ask, temperature: 0.4 },
      { fetchImpl: scenario('ok'), baseUrl: base, onText: (text) => seen.push(text) },
    );
    expect(result).toEqual({
      text: 'Hello!',
      usage: { promptTokens: 11, completionTokens: 7, cachedTokens: 2 },
      model: 'fake/gpt-4o-mini',
      finishReason: 'stop',
      stopped: false,
    });
    expect(seen).toEqual(['Hel', 'Hello!']);
    const sent = requests.at(-1)!;
    expect(sent.url).toBe('/api/v1/chat/completions');
    expect(sent.body).toEqual({
      model: 'fake/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.4,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(sent.headers['content-type']).toBe('application/json');
  });

  it('rejects with the status, type, code and message of a refusal', async () => {
    const credits = await failure(streamChat(ask, { fetchImpl: scenario('402'), baseUrl: base }));
    expect(credits).toMatchObject({
      status: 402,
      type: 'insufficient_quota',
      code: 'insufficient_credits',
      message: 'Not enough credits for this request',
      retryAfterSeconds: null,
    });
    const limited = await failure(streamChat(ask, { fetchImpl: scenario('429'), baseUrl: base }));
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 20 });
  });

  it('keeps the status of an answer that is not JSON', async () => {
    const error = await failure(streamChat(ask, { fetchImpl: scenario('502html'), baseUrl: base }));
    expect(error).toMatchObject({ status: 502, type: 'api_error', message: 'The hub answered 502' });
  });

  it('turns an error event inside the stream into a rejection with the matching status', async () => {
    const error = await failure(streamChat(ask, { fetchImpl: scenario('midstream'), baseUrl: base }));
    expect(error).toMatchObject({
      status: 502,
      type: 'upstream_error',
      message: 'The provider failed: boom',
    });
  });

  it('rejects a stream that breaks off before [DONE]', async () => {
    const error = await failure(streamChat(ask, { fetchImpl: scenario('cut'), baseUrl: base }));
    expect(error.status).toBe(502);
    expect(['stream_incomplete', 'stream_broken']).toContain(error.code);
  });

  it('resolves with what arrived when stopped', async () => {
    const controller = new AbortController();
    const result = await streamChat(ask, {
      fetchImpl: scenario('slow'),
      baseUrl: base,
      signal: controller.signal,
      onText: () => controller.abort(),
    });
    expect(result).toMatchObject({ text: 'Slow ', stopped: true, usage: null });
  });

  it('says the hub cannot be reached when nothing answers', async () => {
    const error = await failure(streamChat(ask, { baseUrl: 'http://127.0.0.1:1' }));
    expect(error).toMatchObject({ status: 0, code: 'unreachable' });
  });
});

describe('listModels', () => {
  it('returns the model ids', async () => {
    await expect(listModels(scenario('models'), base)).resolves.toEqual(['fake/gpt-4o-mini', 'fake/gpt-4o']);
  });
});

describe('explainGatewayError', () => {
  it('says plainly what each status means and what to do', () => {
    const explain = (status: number, retryAfter: number | null = null) =>
      explainGatewayError(new GatewayError(status, 't', 'c', 'What the hub said', retryAfter));
    expect(explain(402)).toEqual({
      title: 'Out of credits',
      message: 'What the hub said',
      hint: 'Credits are granted by the admins of this hub.',
    });
    expect(explain(429, 20).hint).toBe('Try again in 20 seconds.');
    expect(explain(429, 1).hint).toBe('Try again in 1 second.');
    expect(explain(429).hint).toBe('Wait a moment and try again.');
    expect(explain(502).title).toBe('The AI provider failed');
    expect(explain(504).title).toBe('The AI provider timed out');
    expect(explain(0).title).toBe('The hub cannot be reached');
    expect(explain(400)).toEqual({
      title: 'The request was refused',
      message: 'What the hub said',
      hint: null,
    });
    expect(explain(500).title).toBe('The hub failed');
  });
});
