import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse';

function parseAll(pieces: string[]): SseEvent[] {
  const parser = new SseParser();
  return pieces.flatMap((piece) => parser.push(piece));
}

const STREAM =
  ': keep-alive comment\n\ndata: {"a":1}\n\nevent: error\ndata: first\ndata: second\n\nid: 7\ndata:no-space\n\ndata: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: null, data: '{"a":1}', id: null },
  { event: 'error', data: 'first\nsecond', id: null },
  { event: null, data: 'no-space', id: '7' },
  { event: null, data: '[DONE]', id: '7' },
];

describe('SseParser', () => {
  it('parses data, named events, multi-line data, ids and comments', () => {
    expect(parseAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the text is split', () => {
    for (let size = 1; size <= 9; size += 1) {
      const pieces: string[] = [];
      for (let i = 0; i < STREAM.length; i += size) pieces.push(STREAM.slice(i, i + size));
      expect(parseAll(pieces)).toEqual(EXPECTED);
    }
  });

  it('accepts CRLF and CR line breaks, also when a CRLF is split between pieces', () => {
    expect(parseAll(['data: x\r\n\r\ndata: y\r\r'])).toEqual([
      { event: null, data: 'x', id: null },
      { event: null, data: 'y', id: null },
    ]);
    expect(parseAll(['data: x\r', '\n\r', '\n'])).toEqual([{ event: null, data: 'x', id: null }]);
  });

  it('keeps an empty data line and a value that starts with two spaces', () => {
    expect(parseAll(['data\ndata:  two\n\n'])).toEqual([{ event: null, data: '\n two', id: null }]);
  });

  it('does not dispatch an event whose blank line never came', () => {
    const parser = new SseParser();
    expect(parser.push('data: half')).toEqual([]);
    parser.end();
    expect(parser.push('\n\n')).toEqual([]);
  });

  it('ignores an event field without data', () => {
    expect(parseAll(['event: ping\n\ndata: z\n\n'])).toEqual([{ event: null, data: 'z', id: null }]);
  });
});
