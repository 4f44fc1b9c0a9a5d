/**
 * The reliability suite's rig: a hub (in this process, with its real redacting logger writing to a file) in
 * front of a ChaosUpstream, set up through the hub's own API the way an admin would: a provider, credentials,
 * a rated model, billing on, and a guest with credits and an API key. Plus a load driver that keeps N requests
 * in flight and reads every answer to the end, and the checks each suite shares.
 *
 * Sizes come from the environment so that the same files are the fast form (in the README test command) and
 * the long form (`pnpm soak`, which sets SOAK=1).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createLogger } from '../../src/logger';
import { databaseBytes, leakedFragments } from '../admin-harness';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from '../helpers';
import { chaosAnswer, ChaosUpstream, type ChaosWeights } from './chaos-upstream';

export const SOAK = process.env.SOAK === '1';

/** `fast` in the test command, `soak` under `pnpm soak`. */
export function size(fast: number, soak: number): number {
  return SOAK ? soak : fast;
}

/** A provider secret the tests plant and then search for everywhere. */
export function canarySecret(): string {
  return `sk-proj-canary${randomBytes(24).toString('hex')}`;
}

export const MODEL = 'chaos/gpt-test';
/** Whole credits a call costs: 10 input tokens x 0.001 + 5 output tokens x 0.002. */
export const COST_PER_CALL = 0.02;

export interface GatewayRig {
  t: TestHub;
  upstream: ChaosUpstream;
  owner: HubClient;
  guestDid: string;
  apiKey: string;
  /** The provider secrets planted in the hub (one per credential, refused ones included). */
  secrets: string[];
  logFile: string;
  /** Everything the hub logged so far. */
  logs(): string;
  rows<T>(sql: string, ...params: unknown[]): T[];
  close(): Promise<void>;
}

export interface RigOptions {
  weights?: ChaosWeights;
  seed?: number;
  credentials?: number;
  /** Credentials whose key the upstream refuses. */
  refusedCredentials?: number;
  upstreamTimeoutMs?: number;
  env?: Record<string, string>;
}

export async function startGatewayRig(options: RigOptions = {}): Promise<GatewayRig> {
  const secrets = Array.from({ length: options.credentials ?? 2 }, canarySecret);
  // Keys the upstream refuses (401, quoting the key back, as OpenAI does): planted to show the quote is scrubbed.
  const refused = Array.from({ length: options.refusedCredentials ?? 0 }, canarySecret);
  const upstream = await ChaosUpstream.start({
    keys: secrets,
    weights: options.weights ?? { ok: 1 },
    seed: options.seed ?? 7,
  });
  const logDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'hub-logs-'));
  const logFile = path.join(logDir, 'hub.log');
  const t = await startTestHub(options.env ?? {}, {
    logger: createLogger({ logLevel: 'debug' }, pino.destination({ dest: logFile, sync: true })),
  });
  const owner = (await signIn(t.hub.url, newWallet(), t.hub.setupCode!)).session.trpc;
  const guest = await signIn(t.hub.url, newWallet());
  const { id: providerId } = await owner.providers.create.mutate({
    kind: 'openai-compatible',
    name: 'chaos',
    baseUrl: upstream.baseUrl,
  });
  for (const [i, secret] of [...secrets, ...refused].entries()) {
    await owner.credentials.create.mutate({ providerId, name: `key ${i + 1}`, value: { api_key: secret } });
  }
  await owner.modelRates.upsert.mutate({
    provider: 'chaos',
    model: 'gpt-test',
    type: 'chat',
    inputRate: 0.001,
    outputRate: 0.002,
  });
  await owner.config.update.mutate({
    billing: { enabled: true },
    rateLimits: { apiKeyRequestsPerMinute: 1_000_000 },
    gateway: { upstreamTimeoutMs: options.upstreamTimeoutMs ?? 30_000 },
  });
  await owner.users.grantCredits.mutate({ did: guest.user.did, amount: 1_000_000, reason: 'reliability' });
  const { secret: apiKey } = await guest.session.trpc.apiKeys.create.mutate({
    name: 'load',
    scopes: ['ai'],
  });
  return {
    t,
    upstream,
    owner,
    guestDid: guest.user.did,
    apiKey,
    secrets: [...secrets, ...refused],
    logFile,
    logs: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    rows: <T>(sql: string, ...params: unknown[]) =>
      t.hub.services.hubDb.$client.prepare(sql).all(...params) as T[],
    async close() {
      await t.close();
      await upstream.close();
      fs.rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** What one gateway call came to, read to its last byte. */
export interface CallResult {
  index: number;
  stream: boolean;
  status: number;
  requestId: string | null;
  /** 'complete': the whole expected answer; 'error': a clean error; 'broken': anything else. */
  verdict: 'complete' | 'error' | 'broken';
  /** Why a result is 'broken' or what the error said. */
  detail: string;
  ms: number;
  body: string;
}

export function promptOf(index: number): string {
  return `request ${index}`;
}

/** One chat call (`stream` or JSON) with a hub API key, judged against what the upstream answers. */
export async function callChat(
  url: string,
  apiKey: string,
  index: number,
  stream: boolean,
  model = MODEL,
): Promise<CallResult> {
  const started = performance.now();
  const prompt = promptOf(index);
  const base = { index, stream };
  let response: Response;
  let body: string;
  try {
    response = await fetch(`${url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: prompt }] }),
    });
    body = await response.text();
  } catch (error) {
    const ms = performance.now() - started;
    return { ...base, status: 0, requestId: null, verdict: 'broken', detail: String(error), ms, body: '' };
  }
  const ms = performance.now() - started;
  const result = {
    ...base,
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    ms,
    body,
  };
  const expected = chaosAnswer(prompt);
  if (response.status !== 200) {
    const message = errorMessage(body);
    return message === null
      ? { ...result, verdict: 'broken', detail: `status ${response.status} without an OpenAI error body` }
      : { ...result, verdict: 'error', detail: `${response.status} ${message}` };
  }
  if (!stream) {
    try {
      const parsed = JSON.parse(body) as { choices?: { message?: { content?: string } }[] };
      const content = parsed.choices?.[0]?.message?.content;
      return content === expected
        ? { ...result, verdict: 'complete', detail: '' }
        : { ...result, verdict: 'broken', detail: `answer ${JSON.stringify(content)}` };
    } catch {
      return { ...result, verdict: 'broken', detail: 'a 200 whose body is not JSON' };
    }
  }
  return { ...result, ...judgeStream(body, expected) };
}

function errorMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; type?: unknown } };
    return typeof parsed.error?.message === 'string' && typeof parsed.error.type === 'string'
      ? parsed.error.message
      : null;
  } catch {
    return null;
  }
}

/** A stream is complete (all text, then [DONE]) or ends cleanly with an error event; anything else is broken. */
function judgeStream(body: string, expected: string): Pick<CallResult, 'verdict' | 'detail'> {
  const events = body
    .split('\n\n')
    .map((block) => block.trim())
    .filter(Boolean);
  let text = '';
  for (const [i, event] of events.entries()) {
    if (!event.startsWith('data: ')) return { verdict: 'broken', detail: `not an SSE data event: ${event}` };
    const data = event.slice(6);
    const last = i === events.length - 1;
    if (data === '[DONE]') {
      return last && text === expected
        ? { verdict: 'complete', detail: '' }
        : { verdict: 'broken', detail: `[DONE] after ${JSON.stringify(text)}` };
    }
    let parsed: { error?: { message?: string }; choices?: { delta?: { content?: string } }[] };
    try {
      parsed = JSON.parse(data) as typeof parsed;
    } catch {
      return { verdict: 'broken', detail: `an event that is not JSON: ${data}` };
    }
    if (parsed.error) {
      return last || events[i + 1] === 'data: [DONE]'
        ? { verdict: 'error', detail: `stream error: ${parsed.error.message ?? ''}` }
        : { verdict: 'broken', detail: 'events after an error event' };
    }
    text += parsed.choices?.[0]?.delta?.content ?? '';
  }
  return {
    verdict: 'broken',
    detail: `the stream stopped without [DONE] or an error, after ${JSON.stringify(text)}`,
  };
}

/** Runs `total` calls with `connections` of them in flight at any time; results in index order. */
export async function runLoad<T>(
  total: number,
  connections: number,
  call: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      results[index] = await call(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, total) }, worker));
  return results;
}

/** Counts per verdict, and the first few broken results, for readable failures. */
export function summarize(results: readonly CallResult[]) {
  const count = (verdict: CallResult['verdict']) => results.filter((r) => r.verdict === verdict).length;
  return {
    complete: count('complete'),
    error: count('error'),
    broken: count('broken'),
    firstBroken: results
      .filter((r) => r.verdict === 'broken')
      .slice(0, 3)
      .map((r) => `#${r.index} ${r.stream ? 'stream' : 'json'} ${r.status}: ${r.detail}`),
  };
}

/** Every fragment of a planted secret found in the texts (empty when none leaked). */
export function leaks(secrets: readonly string[], ...haystacks: (string | Buffer)[]): string[] {
  return haystacks.flatMap((haystack) => leakedFragments(haystack, secrets));
}

export { databaseBytes };
