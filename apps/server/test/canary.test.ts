/**
 * Canary: provider secrets planted in credentials must appear nowhere the hub writes or answers: not in any
 * read procedure's answer (called as the owner), not in connection-test results (also when the upstream echoes
 * the key back), not in the audit export, not in the server's log, and not in the bytes of hub.db / auth.db
 * (with their WAL files). Substrings are searched too, so a partial leak is caught; the mask's first and last
 * four characters are the only parts allowed out.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { appRouter } from '../src/routers/_app';
import { FakeAnthropic } from './fakes/anthropic';
import { FakeBedrock } from './fakes/bedrock';
import { FakeGemini } from './fakes/gemini';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';

const random = (n: number) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x').slice(0, n);
// Random after the provider's own prefix, so that no fragment can match ordinary words in an answer.
const CANARIES = {
  openai: `sk-proj-${random(48)}`,
  openaiRejected: `sk-proj-${random(48)}`,
  anthropic: `sk-ant-api03-${random(48)}`,
  google: `AIza${random(35)}`,
  bedrockSecret: random(40),
};
const BEDROCK_KEY_ID = 'AKIACANARYKEYID00000';

/** Every 8-character window of the secret's hidden middle: none may appear anywhere. */
function fragments(secret: string): string[] {
  const middle = secret.slice(4, -4);
  const out: string[] = [];
  for (let i = 0; i + 8 <= middle.length; i += 1) out.push(middle.slice(i, i + 8));
  return out;
}

function leaks(haystack: string | Buffer): string[] {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  const found: string[] = [];
  for (const [name, secret] of Object.entries(CANARIES)) {
    if (text.includes(secret)) found.push(`${name}: whole secret`);
    else if (fragments(secret).some((f) => text.includes(f))) found.push(`${name}: fragment`);
  }
  return found;
}

let t: TestHub;
let owner: HubClient;
let logFile: string;
const answers: string[] = [];
const fakes: { close(): Promise<void> }[] = [];
const ids: Record<string, string> = {};

beforeAll(async () => {
  logFile = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'hub-canary-log-')), 'hub.log');
  t = await startTestHub(
    {},
    { logger: createLogger({ logLevel: 'trace' }, pino.destination({ dest: logFile, sync: true })) },
  );
  const login = await signIn(t.hub.url, newWallet(), t.hub.setupCode!);
  owner = login.session.trpc;
  // Record every answer the owner receives.
  const originalFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await originalFetch(input, init);
    if (String(input instanceof Request ? input.url : input).startsWith(t.hub.url)) {
      answers.push(await response.clone().text());
    }
    return response;
  };

  const openai = await FakeOpenAI.start({ keys: [CANARIES.openai] });
  const anthropic = await FakeAnthropic.start({ keys: [CANARIES.anthropic] });
  const gemini = await FakeGemini.start({ keys: [CANARIES.google] });
  const bedrock = await FakeBedrock.start({
    region: 'us-east-1',
    keyPairs: new Map([[BEDROCK_KEY_ID, CANARIES.bedrockSecret]]),
  });
  fakes.push(openai, anthropic, gemini, bedrock);

  const provider = async (kind: string, name: string, baseUrl: string, region?: string) =>
    (
      await owner.providers.create.mutate({
        kind: kind as 'openai',
        name,
        baseUrl,
        ...(region !== undefined && { region }),
      })
    ).id;
  ids.openai = await provider('openai', 'openai', `${openai.origin}/v1`);
  ids.anthropic = await provider('anthropic', 'anthropic', anthropic.baseUrl);
  ids.google = await provider('google', 'google', gemini.baseUrl);
  ids.bedrock = await provider('bedrock', 'bedrock', bedrock.baseUrl, 'us-east-1');

  const credential = async (providerId: string, name: string, value: Record<string, string>) =>
    (await owner.credentials.create.mutate({ providerId, name, value })).id;
  ids.openaiCredential = await credential(ids.openai, 'good', { api_key: CANARIES.openai });
  ids.openaiRejected = await credential(ids.openai, 'rejected', { api_key: CANARIES.openaiRejected });
  ids.anthropicCredential = await credential(ids.anthropic, 'main', { api_key: CANARIES.anthropic });
  ids.googleCredential = await credential(ids.google, 'main', { api_key: CANARIES.google });
  ids.bedrockCredential = await credential(ids.bedrock, 'main', {
    access_key_id: BEDROCK_KEY_ID,
    secret_access_key: CANARIES.bedrockSecret,
  });
  // Rotate one secret through update as well.
  await owner.credentials.update.mutate({
    id: ids.anthropicCredential,
    value: { api_key: CANARIES.anthropic },
  });
});

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  await t.close();
});

describe('canary secrets', () => {
  it('connection tests work, and a rejected key echoed by the upstream is not passed on', async () => {
    for (const id of [
      ids.openaiCredential,
      ids.anthropicCredential,
      ids.googleCredential,
      ids.bedrockCredential,
    ]) {
      expect(await owner.credentials.test.mutate({ id: id! })).toMatchObject({ ok: true });
    }
    const rejected = await owner.credentials.test.mutate({ id: ids.openaiRejected! });
    expect(rejected).toMatchObject({ ok: false, status: 401 });
    expect(leaks(JSON.stringify(rejected))).toEqual([]);
  });

  it('no read procedure answers with a secret', async () => {
    const inputs: Record<string, unknown> = {
      'providers.byId': { id: ids.openai },
      'credentials.byId': { id: ids.bedrockCredential },
      'credentials.list': undefined,
      'users.byDid': { did: (await owner.me.get.query()).did },
      'auditEvents.export': { format: 'ndjson' },
      'apiKeys.list': { userDid: 'all', includeRevoked: true },
    };
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    const queries = Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.type === 'query')
      .map(([name]) => name);
    expect(queries.length).toBeGreaterThan(10);
    const before = answers.length;
    for (const name of queries) {
      const [router, procedure] = name.split('.') as [string, string];
      const call = (
        owner as unknown as Record<string, Record<string, { query(input?: unknown): Promise<unknown> }>>
      )[router]![procedure]!;
      await call.query(inputs[name]).catch(() => undefined);
    }
    await owner.auditEvents.export.query({ format: 'csv' });
    expect(answers.length - before).toBe(queries.length + 1);
    // The answers do contain the credentials, masked.
    expect(answers.join('\n')).toContain(
      `${CANARIES.openai.slice(0, 4)}********${CANARIES.openai.slice(-4)}`,
    );
    expect(leaks(answers.join('\n'))).toEqual([]);
  });

  it('the audit trail holds no secret', () => {
    const rows = t.hub.services.hubDb.$client.prepare('SELECT * FROM audit_events').all();
    expect(rows.length).toBeGreaterThan(10);
    expect(leaks(JSON.stringify(rows))).toEqual([]);
  });

  it('the server log holds no secret', () => {
    const log = fs.readFileSync(logFile, 'utf8');
    // The log did record the work, including the rejected key's test with the upstream's (echoing) answer.
    expect(log).toContain('"msg":"credential test failed"');
    expect(log.split('\n').filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThan(20);
    expect(leaks(log)).toEqual([]);
  });

  it('the database files hold no secret, as bytes', () => {
    const files = ['hub.db', 'hub.db-wal', 'auth.db', 'auth.db-wal']
      .map((name) => path.join(t.dir, name))
      .filter((file) => fs.existsSync(file));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect(leaks(fs.readFileSync(file)), file).toEqual([]);
  });
});
