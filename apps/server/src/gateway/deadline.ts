import type { UpstreamCall } from '../providers/upstream';

/** The abort reason of a deadline; adapters tell a timeout from a client abort by this prefix. */
export const DEADLINE_MESSAGE_PREFIX = 'Upstream did not answer';

/**
 * Bounds one upstream attempt: it aborts when the provider is silent for `timeoutMs` (each `touch()` — a
 * streamed chunk — restarts the clock) or when the client goes away.
 */
export class Deadline {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  readonly #onClientAbort = () => this.#controller.abort(new Error('The client went away'));

  constructor(
    private readonly timeoutMs: number,
    private readonly clientSignal?: AbortSignal,
  ) {
    if (clientSignal?.aborted) this.#onClientAbort();
    else clientSignal?.addEventListener('abort', this.#onClientAbort, { once: true });
    this.touch();
  }

  get call(): UpstreamCall {
    return { signal: this.#controller.signal, timeoutMs: this.timeoutMs };
  }

  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#controller.abort(new Error(`${DEADLINE_MESSAGE_PREFIX} within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.clientSignal?.removeEventListener('abort', this.#onClientAbort);
  }
}
