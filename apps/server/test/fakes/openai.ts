/**
 * A fake OpenAI (and any OpenAI-compatible API: DeepSeek, xAI, OpenRouter, Ollama): `GET {prefix}/models`
 * with `Authorization: Bearer <key>`, answering in OpenAI's JSON shapes, errors included.
 */
import { bearerToken, echoOfKey, FakeUpstream, type FakeReply, type FakeRequest } from './fake-upstream';

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

  static async start(options: FakeOpenAIOptions): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(options);
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
