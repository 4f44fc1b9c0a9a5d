/**
 * A fake Gemini API (generativelanguage.googleapis.com): `GET /v1beta/models` with `x-goog-api-key` (or the
 * `key` query parameter), answering in Google's JSON shapes. Like the real API, a wrong key is 400
 * INVALID_ARGUMENT with reason API_KEY_INVALID, and no key at all is 403 PERMISSION_DENIED.
 */
import { echoOfKey, FakeUpstream, header, type FakeReply, type FakeRequest } from './fake-upstream';

export interface FakeGeminiOptions {
  keys: readonly string[];
  models?: readonly string[];
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export class FakeGemini extends FakeUpstream {
  readonly keys: Set<string>;

  private constructor(options: FakeGeminiOptions) {
    super();
    this.keys = new Set(options.keys);
    const models = options.models ?? ['gemini-2.5-flash', 'gemini-2.5-pro', 'text-embedding-004'];
    this.route('GET', '/v1beta/models', (request) => {
      return (
        this.authenticate(request) ?? {
          status: 200,
          body: {
            models: models.map((id) => ({
              name: `models/${id}`,
              version: '001',
              displayName: id,
              inputTokenLimit: 1048576,
              outputTokenLimit: 65536,
              supportedGenerationMethods: ['generateContent', 'countTokens'],
            })),
          },
        }
      );
    });
  }

  static async start(options: FakeGeminiOptions): Promise<FakeGemini> {
    const fake = new FakeGemini(options);
    await fake.listen();
    return fake;
  }

  /** The base URL a provider should be configured with (the SDK adds `/v1beta/...`). */
  get baseUrl(): string {
    return this.origin;
  }

  authenticate(request: FakeRequest): FakeReply | null {
    const key = header(request.headers, 'x-goog-api-key') ?? request.query.get('key');
    if (key === null) {
      return googleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (this.keys.has(key)) return null;
    return googleError(400, `API key not valid. Please pass a valid API key. (${echoOfKey(key)})`, [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ]);
  }

  protected errorReply(status: number, message: string): FakeReply {
    return googleError(status, status >= 500 ? 'An internal error has occurred.' : message);
  }
}

function googleError(status: number, message: string, details?: unknown[]): FakeReply {
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
        ...(details && { details }),
      },
    },
  };
}
