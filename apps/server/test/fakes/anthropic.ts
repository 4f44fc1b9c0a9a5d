/**
 * A fake Anthropic API: `GET /v1/models` with `x-api-key` and `anthropic-version`, answering in Anthropic's
 * JSON shapes (`{ type: 'error', error: { type, message } }` for errors).
 */
import { echoOfKey, FakeUpstream, header, type FakeReply, type FakeRequest } from './fake-upstream';

export interface FakeAnthropicOptions {
  keys: readonly string[];
  models?: readonly string[];
}

export class FakeAnthropic extends FakeUpstream {
  readonly keys: Set<string>;

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

  /** Null when the key is accepted and the version header present; else Anthropic's error answer. */
  authenticate(request: FakeRequest): FakeReply | null {
    const key = header(request.headers, 'x-api-key');
    if (key === null) return anthropicError(401, 'authentication_error', 'x-api-key header is required');
    if (!this.keys.has(key)) {
      return anthropicError(401, 'authentication_error', `invalid x-api-key: ${echoOfKey(key)}`);
    }
    if (header(request.headers, 'anthropic-version') === null) {
      return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    return null;
  }

  protected errorReply(status: number, message: string): FakeReply {
    if (status === 529) return anthropicError(status, 'overloaded_error', 'Overloaded');
    if (status >= 500) return anthropicError(status, 'api_error', 'Internal server error');
    return anthropicError(status, status === 404 ? 'not_found_error' : 'invalid_request_error', message);
  }
}

function anthropicError(status: number, type: string, message: string): FakeReply {
  return {
    status,
    headers: { 'request-id': `req_fake${status}` },
    body: { type: 'error', error: { type, message }, request_id: `req_fake${status}` },
  };
}
