/**
 * An incremental Server-Sent Events parser (the WHATWG "event stream interpretation"), for reading a streamed
 * `fetch` body: the Playground cannot use EventSource, which only does GET. Text arrives in arbitrary pieces,
 * so a line, a field or a CRLF pair may be split between two pieces; the parser keeps the unfinished part.
 */
export interface SseEvent {
  /** The `event:` field, or null for the default `message` type. */
  event: string | null;
  /** The `data:` lines joined by `\n`. */
  data: string;
  id: string | null;
}

export class SseParser {
  #buffer = '';
  /** A piece ended in `\r`: a `\n` at the start of the next piece belongs to the same line break. */
  #pendingCr = false;
  #data: string[] = [];
  #event: string | null = null;
  #id: string | null = null;

  /** Feeds a piece of text; returns the events it completed. */
  push(text: string): SseEvent[] {
    let input = text;
    if (this.#pendingCr && input.startsWith('\n')) input = input.slice(1);
    this.#pendingCr = false;
    this.#buffer += input;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      // A lone `\r` at the very end may be the first half of `\r\n`: take the line now, swallow the `\n` later.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) this.#pendingCr = true;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** The stream ended: an event without its closing blank line is incomplete and is dropped, per the spec. */
  end(): void {
    this.#buffer = '';
    this.#reset();
  }

  #line(line: string): SseEvent | null {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return null;
  }

  #dispatch(): SseEvent | null {
    if (this.#data.length === 0) {
      this.#event = null;
      return null;
    }
    const event: SseEvent = { event: this.#event, data: this.#data.join('\n'), id: this.#id };
    this.#reset();
    return event;
  }

  #reset(): void {
    this.#data = [];
    this.#event = null;
  }
}
