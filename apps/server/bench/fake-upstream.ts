/**
 * The benchmark's upstream: an OpenAI-compatible chat endpoint on 127.0.0.1 that answers at once, from bytes
 * prepared in advance, so that it costs as little CPU as possible. `stream: true` answers with 50 chunks.
 * Run as its own process: `node --import tsx bench/fake-upstream.ts` prints `ready <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const USAGE = { prompt_tokens: 12, completion_tokens: 50, total_tokens: 62 };
const JSON_BODY = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1715367049,
    model: 'bench-model',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'word '.repeat(50).trim() }, finish_reason: 'stop' },
    ],
    usage: USAGE,
  }),
);
const chunk = (delta: object, finish: string | null = null, usage: object | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1715367049,
    model: 'bench-model',
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
    ...(usage && { usage }),
  })}\n\n`;
const STREAM_CHUNKS = [
  chunk({ role: 'assistant', content: '' }),
  ...Array.from({ length: 48 }, () => chunk({ content: 'word ' })),
  chunk({}, 'stop'),
].map((text) => Buffer.from(text));
const USAGE_CHUNK = Buffer.from(chunk({}, null, USAGE));
const DONE = Buffer.from('data: [DONE]\n\n');

const server = http.createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString();
    if (!body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': JSON_BODY.length });
      res.end(JSON_BODY);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const part of STREAM_CHUNKS) res.write(part);
    if (body.includes('"include_usage":true')) res.write(USAGE_CHUNK);
    res.end(DONE);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
