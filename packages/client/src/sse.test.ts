import { describe, expect, it } from 'vitest';
import { readSse, SseParser, type SseEvent } from './sse';

/** Every way the wire can send a stream: all three line endings, comments, multi-line data, unicode. */
const STREAM =
  ': keep-alive\r\n' +
  'data: {"content":"héllo 🌍"}\r\n\r\n' +
  'event: error\n' +
  'data: line one\n' +
  'data:line two\n' +
  'id: 7\n' +
  'retry: 1000\n\n' +
  'data\r\r' +
  'data:  two spaces\r\n\r\n' +
  'data: [DONE]\n\n' +
  'data: never ended';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"content":"héllo 🌍"}' },
  { event: 'error', data: 'line one\nline two' },
  { event: 'message', data: '' },
  { event: 'message', data: ' two spaces' },
  { event: 'message', data: '[DONE]' },
];

function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSse(body)) events.push(event);
  return events;
}

describe('SseParser', () => {
  it('parses a stream fed in one piece', () => {
    expect(new SseParser().push(STREAM)).toEqual(EXPECTED);
  });

  it('parses the same events whatever two pieces the text is cut into', () => {
    for (let cut = 0; cut <= STREAM.length; cut += 1) {
      const parser = new SseParser();
      const events = [...parser.push(STREAM.slice(0, cut)), ...parser.push(STREAM.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('parses the same events when fed one character at a time', () => {
    const parser = new SseParser();
    expect([...STREAM].flatMap((char) => parser.push(char))).toEqual(EXPECTED);
  });

  it('treats a lone CR at the end of a piece as a line end, and a LF starting the next as the same end', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\r\n')).toEqual([{ event: 'message', data: 'a' }]);
  });
});

describe('readSse', () => {
  it('decodes UTF-8 split inside a character, at every byte boundary', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      const events = await collect(bodyOf([bytes.slice(0, cut), bytes.slice(cut)]));
      expect(events, `cut at byte ${cut}`).toEqual(EXPECTED);
    }
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readSse(body)) {
      expect(event.data).toBe('x');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
