/**
 * The typed Node client of an aigne-hub. Programs hold a hub API key (or a session token) — never a
 * provider key — and reach the hub's API and AI gateway through this client.
 */
import { HubClientError } from './errors';

export { HubClientError } from './errors';

export type HubClientOptions = {
  /** Base URL of the hub, e.g. `http://localhost:8090`. */
  url: string;
  /** Custom fetch (for proxies or tests); defaults to the global fetch. */
  fetch?: typeof fetch;
} & (
  | { apiKey: string; sessionToken?: never }
  | { sessionToken: string; apiKey?: never }
  | { apiKey?: never; sessionToken?: never }
);

export interface HubHealth {
  ok: true;
  version: string;
}

export interface HubClient {
  /** The hub's base URL without a trailing slash. */
  readonly url: string;
  /** `GET /api/health`: liveness and the hub's version. */
  health(): Promise<HubHealth>;
}

export function createHubClient(options: HubClientOptions): HubClient {
  const base = normalizeBaseUrl(options.url);
  const fetchImpl = options.fetch ?? fetch;
  const token = options.apiKey ?? options.sessionToken;

  async function getJson(pathname: string): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetchImpl(`${base}${pathname}`, { headers });
    } catch (error) {
      throw new HubClientError(`cannot reach the hub at ${base}: ${(error as Error).message}`, undefined);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new HubClientError(`the hub answered ${response.status} for ${pathname}`, response.status);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HubClientError(`the hub answered ${pathname} with a body that is not JSON`, response.status);
    }
  }

  return {
    url: base,
    async health() {
      const body = (await getJson('/api/health')) as Partial<HubHealth>;
      if (body.ok !== true || typeof body.version !== 'string') {
        throw new HubClientError('the hub answered /api/health with an unexpected body', 200);
      }
      return { ok: true, version: body.version };
    },
  };
}

function normalizeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`createHubClient: url must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError('createHubClient: url must use http or https');
  }
  if (parsed.username || parsed.password) {
    throw new TypeError('createHubClient: put credentials in apiKey/sessionToken, not in the URL');
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
