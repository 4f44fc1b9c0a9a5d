/**
 * A Server-Sent Events parser (the WHATWG "event stream interpretation"), fed with text in pieces of any size.
 * A network chunk can end anywhere: inside a field name, between `\r` and `\n`, inside a UTF-8 sequence (the
 * decoder in `readSse` keeps those), so the parser keeps whatever follows the last complete line and joins it
 * with the next piece. Only what the hub's streams use matters (`data`, `event`), but the rest of the format
 * (comments, `id`, `retry`, multi-line data, all three line endings) is parsed, not tripped over.
 */

export interface SseEvent {
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
}

export class SseParser {
  #buffer = '';
  /** The previous piece ended with `\r`: a `\n` starting the next one belongs to that line ending. */
  #pendingCr = false;
  #event = '';
  #data: string[] = [];

  /** Feeds text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = nextLineEnd(this.#buffer, start);
      if (end === -1) break;
      const line = this.#buffer.slice(start, end);
      if (this.#buffer[end] === '\r') {
        if (end + 1 === this.#buffer.length) this.#pendingCr = true;
        start = this.#buffer[end + 1] === '\n' ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
      const event = this.#line(line);
      if (event) events.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line: string): SseEvent | null {
    if (line === '') {
      // A blank line dispatches the event, if it has data.
      const event =
        this.#data.length > 0 ? { event: this.#event || 'message', data: this.#data.join('\n') } : null;
      this.#event = '';
      this.#data = [];
      return event;
    }
    if (line.startsWith(':')) return null; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    // `id` and `retry` are for reconnecting EventSources; a completion stream is never resumed.
    return null;
  }
}

function nextLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 10 || char === 13) return i;
  }
  return -1;
}

/**
 * The events of a response body. An event not ended by a blank line when the body ends is dropped, as the
 * format says: the caller decides whether a stream that just stops is complete (the hub's end with `[DONE]`).
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    finished = true;
    yield* parser.push(decoder.decode());
  } finally {
    // Left early (the consumer stopped, or an error): cancel the body so the connection closes now.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
