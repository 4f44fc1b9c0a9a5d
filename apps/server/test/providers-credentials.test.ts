// The providers and credentials routers over real HTTP against a real hub, with fake upstreams on 127.0.0.1:
// behaviour, validation, audit events (one per change, in the same transaction), and secrets never leaving.
import { randomBytes } from 'node:crypto';
import { SECRET_MASK } from '@aigne-hub/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditHead,
  auditSince,
  expectOneEvent,
  hubDbBytes,
  leakedFragments,
  startAdminHarness,
  withFailingAudit,
  type AdminHarness,
} from './admin-harness';
import { FakeBedrock } from './fakes/bedrock';
import { FakeOpenAI } from './fakes/openai';
import { errorCode } from './helpers';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Secrets planted to be searched for afterwards; none may ever appear outside its encrypted column. */
const goodKey = `sk-canary-${hex(16)}`;
const wrongKey = `sk-canary-${hex(16)}`;
const replacementKey = `sk-canary-${hex(16)}`;
const accessKeyId = `AKIA${hex(8).toUpperCase()}`;
const secretAccessKey = `${randomBytes(30).toString('base64')}`;
const PLANTED = [goodKey, wrongKey, replacementKey, secretAccessKey];

const masked = (secret: string) => `${secret.slice(0, 4)}${SECRET_MASK}${secret.slice(-4)}`;

let h: AdminHarness;
let openai: FakeOpenAI;
let bedrock: FakeBedrock;
let names = 0;
const uniqueName = (prefix: string) => `${prefix}-${++names}`;

beforeAll(async () => {
  h = await startAdminHarness();
  openai = await FakeOpenAI.start({ keys: [goodKey, replacementKey] });
  bedrock = await FakeBedrock.start({
    region: 'us-west-2',
    keyPairs: new Map([[accessKeyId, secretAccessKey]]),
  });
});
afterAll(async () => {
  await Promise.all([h.close(), openai.close(), bedrock.close()]);
});

const db = () => h.t.hub.services.hubDb.$client;
const count = (table: string, where = '1 = 1', ...params: unknown[]) =>
  (
    db()
      .prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
      .get(...params) as { n: number }
  ).n;

async function openaiProvider(name = uniqueName('oa')) {
  return h.admin.trpc.providers.create.mutate({ kind: 'openai', name, baseUrl: openai.baseUrl });
}

async function openaiCredential(providerId: string, apiKey = goodKey, name = 'primary') {
  return h.admin.trpc.credentials.create.mutate({ providerId, name, value: { api_key: apiKey } });
}

describe('providers', () => {
  it('creates a provider with the kind defaults, audited once', async () => {
    const seq = auditHead(h.t);
    const created = await h.admin.trpc.providers.create.mutate({ kind: 'anthropic', name: 'claude' });
    expect(created).toMatchObject({
      kind: 'anthropic',
      name: 'claude',
      displayName: 'Anthropic',
      baseUrl: null,
      effectiveBaseUrl: 'https://api.anthropic.com',
      region: null,
      enabled: true,
      label: 'Anthropic',
      wireFormat: 'anthropic',
      credentialType: 'api_key',
      credentialOptional: false,
      credentialCount: 0,
    });
    expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'providers.create',
      targetType: 'provider',
      targetId: created.id,
    });
    expect(details).toEqual({
      kind: 'anthropic',
      name: 'claude',
      displayName: 'Anthropic',
      baseUrl: null,
      region: null,
      enabled: true,
    });
  });

  it('normalizes the base URL and stores a Bedrock region', async () => {
    const compatible = await h.admin.trpc.providers.create.mutate({
      kind: 'openai-compatible',
      name: 'vllm',
      displayName: 'Our vLLM',
      baseUrl: 'HTTP://Models.Internal:8000/v1/',
    });
    expect(compatible).toMatchObject({
      baseUrl: 'http://models.internal:8000/v1',
      effectiveBaseUrl: 'http://models.internal:8000/v1',
      displayName: 'Our vLLM',
    });
    const aws = await h.admin.trpc.providers.create.mutate({
      kind: 'bedrock',
      name: 'aws',
      region: 'eu-west-1',
    });
    expect(aws).toMatchObject({
      region: 'eu-west-1',
      effectiveBaseUrl: 'https://bedrock.eu-west-1.amazonaws.com',
      credentialType: 'access_key_pair',
    });
  });

  it.each([
    [{ kind: 'openai', name: 'Upper' }, /name: lowercase letters/],
    [{ kind: 'openai', name: 'a/b' }, /name: lowercase letters/],
    [{ kind: 'openai', name: '' }, /name: a name is required/],
    [{ kind: 'nope', name: 'x1' }, /kind: must be one of openai, anthropic/],
    [{ kind: 'openai', name: 'x2', baseUrl: 'ftp://x.example' }, /must start with http/],
    [{ kind: 'openai', name: 'x3', baseUrl: 'https://u:hunter2-secret@x.example' }, /user name or password/],
    [{ kind: 'openai', name: 'x4', baseUrl: 'https://x.example/v1?key=abc' }, /query string or fragment/],
    [{ kind: 'openai-compatible', name: 'x5' }, /OpenAI-compatible providers need a base URL/],
    [{ kind: 'bedrock', name: 'x6' }, /Amazon Bedrock providers need a region/],
    [{ kind: 'bedrock', name: 'x7', region: 'mars-1' }, /AWS region name/],
    [{ kind: 'openai', name: 'x8', region: 'us-east-1' }, /OpenAI providers have no region/],
    [{ kind: 'openai', name: 'x9', extra: true }, /Unrecognized key/],
  ])('refuses %j with BAD_REQUEST, writing nothing', async (input, message) => {
    const seq = auditHead(h.t);
    const before = count('providers');
    const error = await h.admin.trpc.providers.create.mutate(input as never).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { data?: { code?: string } }).data?.code).toBe('BAD_REQUEST');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('hunter2');
    expect(count('providers')).toBe(before);
    expect(auditSince(h.t, seq)).toEqual([]);
  });

  it('refuses a duplicate name with CONFLICT', async () => {
    await h.admin.trpc.providers.create.mutate({ kind: 'openai', name: 'dup' });
    const seq = auditHead(h.t);
    expect(await errorCode(h.admin.trpc.providers.create.mutate({ kind: 'deepseek', name: 'dup' }))).toBe(
      'CONFLICT',
    );
    expect(count('providers', 'name = ?', 'dup')).toBe(1);
    expect(auditSince(h.t, seq)).toEqual([]);
  });

  it('lists (filtered by kind and enabled) and reads by id, with credential counts', async () => {
    const provider = await openaiProvider('listed');
    await openaiCredential(provider.id);
    await openaiCredential(provider.id, goodKey, 'second');
    const all = await h.admin.trpc.providers.list.query();
    expect(all.map((p) => p.name)).toEqual([...all.map((p) => p.name)].sort());
    expect(all.find((p) => p.id === provider.id)?.credentialCount).toBe(2);
    const onlyBedrock = await h.admin.trpc.providers.list.query({ kind: 'bedrock' });
    expect(onlyBedrock.map((p) => p.name)).toEqual(['aws']);
    await h.admin.trpc.providers.setEnabled.mutate({ id: provider.id, enabled: false });
    const enabledOnly = await h.admin.trpc.providers.list.query({ includeDisabled: false });
    expect(enabledOnly.some((p) => p.id === provider.id)).toBe(false);
    expect(await h.admin.trpc.providers.byId.query({ id: provider.id })).toMatchObject({
      name: 'listed',
      enabled: false,
      credentialCount: 2,
    });
    expect(await errorCode(h.admin.trpc.providers.byId.query({ id: 'no-such-id' }))).toBe('NOT_FOUND');
  });

  it('updates fields, resets the base URL with null, and audits the changes', async () => {
    const provider = await openaiProvider();
    const seq = auditHead(h.t);
    const updated = await h.admin.trpc.providers.update.mutate({
      id: provider.id,
      displayName: 'Team OpenAI',
      baseUrl: null,
    });
    expect(updated).toMatchObject({
      displayName: 'Team OpenAI',
      baseUrl: null,
      effectiveBaseUrl: 'https://api.openai.com/v1',
    });
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'providers.update',
      targetType: 'provider',
      targetId: provider.id,
    });
    expect(details).toEqual({
      name: provider.name,
      kind: 'openai',
      changes: {
        displayName: { from: 'OpenAI', to: 'Team OpenAI' },
        baseUrl: { from: openai.baseUrl, to: null },
      },
    });
  });

  it('refuses updates that break the kind rules, unknown ids and taken names', async () => {
    const compatible = await h.admin.trpc.providers.create.mutate({
      kind: 'openai-compatible',
      name: uniqueName('compat'),
      baseUrl: 'http://127.0.0.1:9/v1',
    });
    expect(await errorCode(h.admin.trpc.providers.update.mutate({ id: compatible.id, baseUrl: null }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await errorCode(h.admin.trpc.providers.update.mutate({ id: compatible.id, region: 'us-east-1' })),
    ).toBe('BAD_REQUEST');
    expect(await errorCode(h.admin.trpc.providers.update.mutate({ id: 'missing', displayName: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(await errorCode(h.admin.trpc.providers.update.mutate({ id: compatible.id, name: 'claude' }))).toBe(
      'CONFLICT',
    );
  });

  it('renames a provider and moves its model rates in the same transaction', async () => {
    const provider = await openaiProvider('before-rename');
    for (const model of ['gpt-4o', 'gpt-4o-mini']) {
      await h.admin.trpc.modelRates.upsert.mutate({
        provider: 'before-rename',
        model,
        type: 'chat',
        inputRate: 0.001,
        outputRate: 0.002,
      });
    }
    const seq = auditHead(h.t);
    const renamed = await h.admin.trpc.providers.update.mutate({ id: provider.id, name: 'after-rename' });
    expect(renamed.name).toBe('after-rename');
    expect(count('model_rates', 'provider = ?', 'before-rename')).toBe(0);
    expect(count('model_rates', 'provider = ?', 'after-rename')).toBe(2);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'providers.update',
      targetType: 'provider',
      targetId: provider.id,
    });
    expect(details).toMatchObject({
      changes: { name: { from: 'before-rename', to: 'after-rename' } },
      movedModelRates: 2,
    });
  });

  it('enables and disables, audited with before and after', async () => {
    const provider = await openaiProvider();
    const seq = auditHead(h.t);
    const disabled = await h.admin.trpc.providers.setEnabled.mutate({ id: provider.id, enabled: false });
    expect(disabled.enabled).toBe(false);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'providers.setEnabled',
      targetType: 'provider',
      targetId: provider.id,
    });
    expect(details).toEqual({ name: provider.name, enabled: { from: true, to: false } });
    expect(await errorCode(h.admin.trpc.providers.setEnabled.mutate({ id: 'missing', enabled: true }))).toBe(
      'NOT_FOUND',
    );
  });

  it('deletes a provider with its credentials and model rates', async () => {
    const provider = await openaiProvider('doomed');
    await openaiCredential(provider.id);
    await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'doomed',
      model: 'gpt-4o',
      type: 'chat',
      inputRate: 0.001,
      outputRate: 0.002,
    });
    const seq = auditHead(h.t);
    expect(await h.admin.trpc.providers.delete.mutate({ id: provider.id })).toEqual({
      id: provider.id,
      name: 'doomed',
      deletedCredentialCount: 1,
      deletedModelRateCount: 1,
    });
    expect(count('providers', 'id = ?', provider.id)).toBe(0);
    expect(count('credentials', 'provider_id = ?', provider.id)).toBe(0);
    expect(count('model_rates', 'provider = ?', 'doomed')).toBe(0);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'providers.delete',
      targetType: 'provider',
      targetId: provider.id,
    });
    expect(details).toMatchObject({
      name: 'doomed',
      kind: 'openai',
      deletedCredentialCount: 1,
      deletedModelRateCount: 1,
    });
    expect(await errorCode(h.admin.trpc.providers.delete.mutate({ id: provider.id }))).toBe('NOT_FOUND');
  });

  it('is for admins only', async () => {
    expect(await errorCode(h.guest.trpc.providers.list.query())).toBe('FORBIDDEN');
    expect(await errorCode(h.guest.trpc.providers.create.mutate({ kind: 'openai', name: 'guest' }))).toBe(
      'FORBIDDEN',
    );
    // The owner is an admin too.
    expect((await h.owner.trpc.providers.list.query()).length).toBeGreaterThan(0);
  });
});

describe('credentials', () => {
  it('stores a key encrypted, shows it masked, and audits the masked value only', async () => {
    const provider = await openaiProvider();
    const seq = auditHead(h.t);
    const credential = await h.admin.trpc.credentials.create.mutate({
      providerId: provider.id,
      name: 'primary',
      value: { api_key: `${goodKey}\n`, team: 'research' },
      weight: 250,
    });
    expect(credential).toMatchObject({
      providerId: provider.id,
      providerName: provider.name,
      providerKind: 'openai',
      name: 'primary',
      type: 'api_key',
      value: { api_key: masked(goodKey), team: 'research' },
      valueError: null,
      weight: 250,
      enabled: true,
      status: 'healthy',
      statusReason: null,
      usageCount: 0,
    });
    const stored = db().prepare('SELECT value FROM credentials WHERE id = ?').get(credential.id) as {
      value: string;
    };
    const storedValue = JSON.parse(stored.value) as Record<string, string>;
    expect(storedValue.api_key).toMatch(/^v1:/);
    expect(storedValue.team).toBe('research');
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'credentials.create',
      targetType: 'credential',
      targetId: credential.id,
    });
    expect(details).toEqual({
      providerId: provider.id,
      providerName: provider.name,
      name: 'primary',
      type: 'api_key',
      value: { api_key: masked(goodKey), team: 'research' },
      weight: 250,
      enabled: true,
    });
  });

  it('stores a Bedrock access key pair with the key id readable', async () => {
    const provider = await h.admin.trpc.providers.create.mutate({
      kind: 'bedrock',
      name: uniqueName('bedrock'),
      region: 'us-west-2',
      baseUrl: bedrock.baseUrl,
    });
    const credential = await h.admin.trpc.credentials.create.mutate({
      providerId: provider.id,
      name: 'aws',
      value: { access_key_id: accessKeyId, secret_access_key: secretAccessKey },
    });
    expect(credential.type).toBe('access_key_pair');
    expect(credential.value).toEqual({
      access_key_id: accessKeyId,
      secret_access_key: masked(secretAccessKey),
    });
    const result = await h.admin.trpc.credentials.test.mutate({ id: credential.id });
    expect(result).toMatchObject({ ok: true, status: 200, modelCount: 2, credentialStatus: 'healthy' });
  });

  it.each([
    ['no api_key', { name: 'c', value: {} }, /An API key credential needs api_key/],
    [
      'a key pair on an API key provider',
      { name: 'c', value: { api_key: 'sk-x', secret_access_key: 'y' } },
      /has no secret_access_key/,
    ],
    [
      'a secret-looking plain field',
      { name: 'c', value: { api_key: 'sk-x', password: 'p' } },
      /value\.password: looks like a secret/,
    ],
    ['weight 0', { name: 'c', value: { api_key: 'sk-x' }, weight: 0 }, /weight: must be at least 1/],
    ['weight 1001', { name: 'c', value: { api_key: 'sk-x' }, weight: 1001 }, /weight: must be at most 1000/],
    ['weight 1.5', { name: 'c', value: { api_key: 'sk-x' }, weight: 1.5 }, /weight: must be a whole number/],
    ['an empty name', { name: ' ', value: { api_key: 'sk-x' } }, /name: a name is required/],
  ])('refuses %s with BAD_REQUEST', async (_, input, message) => {
    const provider = await openaiProvider();
    const seq = auditHead(h.t);
    const error = (await h.admin.trpc.credentials.create
      .mutate({ providerId: provider.id, ...input })
      .catch((e: unknown) => e)) as Error & { data?: { code: string } };
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(message);
    expect(count('credentials', 'provider_id = ?', provider.id)).toBe(0);
    expect(auditSince(h.t, seq)).toEqual([]);
  });

  it('refuses an API key for Bedrock and an unknown provider', async () => {
    const aws = await h.admin.trpc.providers.create.mutate({
      kind: 'bedrock',
      name: uniqueName('bedrock'),
      region: 'us-east-1',
    });
    expect(
      await errorCode(
        h.admin.trpc.credentials.create.mutate({ providerId: aws.id, name: 'k', value: { api_key: 'sk-x' } }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await errorCode(
        h.admin.trpc.credentials.create.mutate({
          providerId: 'missing',
          name: 'k',
          value: { api_key: 'sk-x' },
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('lists masked credentials, by provider, and reads one by id', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    const mine = await h.admin.trpc.credentials.list.query({ providerId: provider.id });
    expect(mine).toEqual([await h.admin.trpc.credentials.byId.query({ id: credential.id })]);
    expect(mine[0]?.value).toEqual({ api_key: masked(goodKey) });
    const all = await h.admin.trpc.credentials.list.query();
    expect(all.some((c) => c.id === credential.id)).toBe(true);
    expect(await errorCode(h.admin.trpc.credentials.list.query({ providerId: 'missing' }))).toBe('NOT_FOUND');
    expect(await errorCode(h.admin.trpc.credentials.byId.query({ id: 'missing' }))).toBe('NOT_FOUND');
    expect(await errorCode(h.guest.trpc.credentials.list.query())).toBe('FORBIDDEN');
  });

  it('updates plain fields without touching the stored secret', async () => {
    const provider = await openaiProvider();
    const credential = await h.admin.trpc.credentials.create.mutate({
      providerId: provider.id,
      name: 'old',
      value: { api_key: goodKey, note: 'a' },
    });
    const storedBefore = db().prepare('SELECT value FROM credentials WHERE id = ?').get(credential.id);
    const seq = auditHead(h.t);
    const updated = await h.admin.trpc.credentials.update.mutate({
      id: credential.id,
      name: 'new',
      weight: 5,
      value: { note: null, region_hint: 'eu' },
    });
    expect(updated).toMatchObject({
      name: 'new',
      weight: 5,
      value: { api_key: masked(goodKey), region_hint: 'eu' },
    });
    const storedAfter = db().prepare('SELECT value FROM credentials WHERE id = ?').get(credential.id) as {
      value: string;
    };
    expect(JSON.parse(storedAfter.value).api_key).toBe(
      JSON.parse((storedBefore as { value: string }).value).api_key,
    );
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'credentials.update',
      targetType: 'credential',
      targetId: credential.id,
    });
    expect(details).toEqual({
      providerId: provider.id,
      providerName: provider.name,
      name: 'new',
      changes: {
        name: { from: 'old', to: 'new' },
        weight: { from: 100, to: 5 },
        value: {
          from: { api_key: masked(goodKey), note: 'a' },
          to: { api_key: masked(goodKey), region_hint: 'eu' },
        },
      },
      reencryptedFields: [],
    });
  });

  it('re-encrypts a replaced secret, which the upstream then accepts', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id, wrongKey);
    expect((await h.admin.trpc.credentials.test.mutate({ id: credential.id })).credentialStatus).toBe(
      'invalid',
    );
    const seq = auditHead(h.t);
    const updated = await h.admin.trpc.credentials.update.mutate({
      id: credential.id,
      value: { api_key: replacementKey },
    });
    // A new secret lifts the invalid mark: it has not been refused yet.
    expect(updated).toMatchObject({ value: { api_key: masked(replacementKey) }, status: 'healthy' });
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'credentials.update',
      targetType: 'credential',
      targetId: credential.id,
    });
    expect(details).toMatchObject({
      reencryptedFields: ['api_key'],
      changes: {
        status: { from: 'invalid', to: 'healthy' },
        value: { from: { api_key: masked(wrongKey) }, to: { api_key: masked(replacementKey) } },
      },
    });
    expect(await h.admin.trpc.credentials.test.mutate({ id: credential.id })).toMatchObject({ ok: true });
  });

  it('refuses bad updates', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    expect(await errorCode(h.admin.trpc.credentials.update.mutate({ id: 'missing', name: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await errorCode(
        h.admin.trpc.credentials.update.mutate({ id: credential.id, value: { access_key_id: accessKeyId } }),
      ),
    ).toBe('BAD_REQUEST');
    expect(await errorCode(h.admin.trpc.credentials.update.mutate({ id: credential.id, weight: 0 }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('enables, disables and deletes, each audited', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    let seq = auditHead(h.t);
    expect(
      (await h.admin.trpc.credentials.setEnabled.mutate({ id: credential.id, enabled: false })).enabled,
    ).toBe(false);
    expect(
      expectOneEvent(h.t, seq, h.admin, {
        action: 'credentials.setEnabled',
        targetType: 'credential',
        targetId: credential.id,
      }),
    ).toEqual({
      providerId: provider.id,
      providerName: provider.name,
      name: 'primary',
      enabled: { from: true, to: false },
    });
    seq = auditHead(h.t);
    expect(await h.admin.trpc.credentials.delete.mutate({ id: credential.id })).toEqual({
      id: credential.id,
    });
    expect(count('credentials', 'id = ?', credential.id)).toBe(0);
    expect(
      expectOneEvent(h.t, seq, h.admin, {
        action: 'credentials.delete',
        targetType: 'credential',
        targetId: credential.id,
      }),
    ).toEqual({
      providerId: provider.id,
      providerName: provider.name,
      name: 'primary',
      type: 'api_key',
      value: { api_key: masked(goodKey) },
    });
    expect(await errorCode(h.admin.trpc.credentials.delete.mutate({ id: credential.id }))).toBe('NOT_FOUND');
    expect(
      await errorCode(h.admin.trpc.credentials.setEnabled.mutate({ id: credential.id, enabled: true })),
    ).toBe('NOT_FOUND');
  });

  it('shows a value that no longer decrypts as an error state, and refuses to test it', async () => {
    const provider = await openaiProvider();
    const a = await openaiCredential(provider.id, goodKey, 'a');
    const b = await openaiCredential(provider.id, replacementKey, 'b');
    // Move a's ciphertext into b's row: authenticated encryption bound to the row must refuse it.
    const stolen = db().prepare('SELECT value FROM credentials WHERE id = ?').get(a.id) as { value: string };
    db().prepare('UPDATE credentials SET value = ? WHERE id = ?').run(stolen.value, b.id);
    const shown = await h.admin.trpc.credentials.byId.query({ id: b.id });
    expect(shown.value).toEqual({ api_key: SECRET_MASK });
    expect(shown.valueError).toBe(
      'The secret cannot be decrypted with the configured keys (authentication_failed); enter it again',
    );
    const seq = auditHead(h.t);
    openai.reset();
    expect(await errorCode(h.admin.trpc.credentials.test.mutate({ id: b.id }))).toBe('PRECONDITION_FAILED');
    expect(openai.requests).toHaveLength(0);
    expectOneEvent(h.t, seq, h.admin, {
      action: 'credentials.test',
      targetType: 'credential',
      targetId: b.id,
      outcome: 'error',
      reason: 'The credential cannot be decrypted with the configured keys; enter its secret again',
    });
    // Entering the secret again repairs it.
    await h.admin.trpc.credentials.update.mutate({ id: b.id, value: { api_key: replacementKey } });
    expect((await h.admin.trpc.credentials.byId.query({ id: b.id })).valueError).toBeNull();
  });
});

describe('credentials.test', () => {
  it('ok: reports latency and the model count, marks the credential healthy, audits success', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    db().prepare("UPDATE credentials SET status = 'cooling' WHERE id = ?").run(credential.id);
    openai.reset();
    const seq = auditHead(h.t);
    const result = await h.admin.trpc.credentials.test.mutate({ id: credential.id });
    expect(result).toEqual({
      ok: true,
      latencyMs: result.latencyMs,
      status: 200,
      modelCount: 3,
      credentialStatus: 'healthy',
    });
    expect(openai.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${goodKey}`);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'credentials.test',
      targetType: 'credential',
      targetId: credential.id,
      outcome: 'success',
      reason: null,
    });
    expect(details).toEqual({
      providerId: provider.id,
      providerName: provider.name,
      providerKind: 'openai',
      name: 'primary',
      ok: true,
      latencyMs: result.latencyMs,
      timeoutMs: 30_000,
      status: 200,
      failure: null,
      modelCount: 3,
      credentialStatus: { from: 'cooling', to: 'healthy' },
    });
  });

  it('401: marks the credential invalid with a reason that does not quote the key', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id, wrongKey);
    const seq = auditHead(h.t);
    const result = await h.admin.trpc.credentials.test.mutate({ id: credential.id });
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      failure: 'rejected',
      credentialStatus: 'invalid',
    });
    // The fake quoted the key's first 28 characters back; none of them survive.
    expect(result.error).toMatch(/^Incorrect API key provided: \*{8}\.\.\./);
    expect(result.error).not.toContain(wrongKey.slice(0, 12));
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'credentials.test',
      targetType: 'credential',
      targetId: credential.id,
      outcome: 'error',
      reason: result.error!,
    });
    expect(details).toMatchObject({
      ok: false,
      status: 401,
      failure: 'rejected',
      credentialStatus: { from: 'healthy', to: 'invalid' },
    });
    const after = await h.admin.trpc.credentials.byId.query({ id: credential.id });
    expect(after.status).toBe('invalid');
    expect(after.statusReason).toBe(`Rejected by the provider (HTTP 401): ${result.error}`);
    expect(after.lastErrorAt).not.toBeNull();
  });

  it('500: leaves the status, records the error time', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    openai.fault = { type: 'status', status: 500 };
    try {
      const result = await h.admin.trpc.credentials.test.mutate({ id: credential.id });
      expect(result).toMatchObject({
        ok: false,
        status: 500,
        failure: 'upstream_error',
        error: 'The server had an error while processing your request. Sorry about that!',
        credentialStatus: 'healthy',
      });
    } finally {
      openai.reset();
    }
    const after = await h.admin.trpc.credentials.byId.query({ id: credential.id });
    expect(after).toMatchObject({ status: 'healthy', statusReason: null });
    expect(after.lastErrorAt).not.toBeNull();
  });

  it('timeout: gives up at the requested deadline, status kept', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    openai.fault = { type: 'delay', ms: 3_000 };
    try {
      const started = Date.now();
      const result = await h.admin.trpc.credentials.test.mutate({ id: credential.id, timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(result).toMatchObject({
        ok: false,
        failure: 'timeout',
        error: 'No answer within 300 ms',
        credentialStatus: 'healthy',
      });
      expect(result.status).toBeUndefined();
    } finally {
      openai.reset();
    }
  });

  it('never holds the database while waiting for the upstream', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id);
    openai.reset();
    openai.fault = { type: 'delay', ms: 1_500 };
    let finished = false;
    const pending = h.admin.trpc.credentials.test.mutate({ id: credential.id }).then((result) => {
      finished = true;
      return result;
    });
    try {
      while (openai.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      // The upstream call is out; a write through the API (which takes the write lock) goes through meanwhile.
      const other = await h.owner.trpc.providers.create.mutate({
        kind: 'xai',
        name: uniqueName('meanwhile'),
      });
      expect(other.kind).toBe('xai');
      expect(finished).toBe(false);
      expect((await pending).ok).toBe(true);
    } finally {
      openai.reset();
    }
  });
});

describe('every admin mutation commits with its audit event or not at all', () => {
  type Setup = { providerId: string; providerName: string; credentialId: string; rateId: string };

  async function setup(): Promise<Setup> {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id, wrongKey);
    const { rate } = await h.admin.trpc.modelRates.upsert.mutate({
      provider: provider.name,
      model: 'gpt-4o',
      type: 'chat',
      inputRate: 1,
      outputRate: 2,
    });
    return {
      providerId: provider.id,
      providerName: provider.name,
      credentialId: credential.id,
      rateId: rate.id,
    };
  }

  /** Everything a mutation could change, to compare before and after. */
  function snapshot(s: Setup) {
    return {
      provider: db().prepare('SELECT * FROM providers WHERE id = ?').get(s.providerId),
      providers: count('providers'),
      credentials: db()
        .prepare('SELECT * FROM credentials WHERE provider_id = ? ORDER BY id')
        .all(s.providerId),
      rates: db().prepare('SELECT * FROM model_rates WHERE provider = ? ORDER BY id').all(s.providerName),
    };
  }

  const cases: [string, (s: Setup) => Promise<unknown>][] = [
    [
      'providers.create',
      () => h.admin.trpc.providers.create.mutate({ kind: 'openai', name: uniqueName('rb') }),
    ],
    [
      'providers.update',
      (s) => h.admin.trpc.providers.update.mutate({ id: s.providerId, name: uniqueName('rb') }),
    ],
    [
      'providers.setEnabled',
      (s) => h.admin.trpc.providers.setEnabled.mutate({ id: s.providerId, enabled: false }),
    ],
    ['providers.delete', (s) => h.admin.trpc.providers.delete.mutate({ id: s.providerId })],
    [
      'credentials.create',
      (s) =>
        h.admin.trpc.credentials.create.mutate({
          providerId: s.providerId,
          name: 'x',
          value: { api_key: 'sk-rb' },
        }),
    ],
    [
      'credentials.update',
      (s) =>
        h.admin.trpc.credentials.update.mutate({
          id: s.credentialId,
          name: 'renamed',
          value: { api_key: goodKey },
        }),
    ],
    [
      'credentials.setEnabled',
      (s) => h.admin.trpc.credentials.setEnabled.mutate({ id: s.credentialId, enabled: false }),
    ],
    ['credentials.delete', (s) => h.admin.trpc.credentials.delete.mutate({ id: s.credentialId })],
    // The upstream refuses the key, but the status change must not outlive the failed audit write.
    ['credentials.test', (s) => h.admin.trpc.credentials.test.mutate({ id: s.credentialId })],
    [
      'modelRates.upsert',
      (s) =>
        h.admin.trpc.modelRates.upsert.mutate({
          provider: s.providerName,
          model: 'gpt-4o',
          type: 'chat',
          inputRate: 5,
          outputRate: 5,
        }),
    ],
    ['modelRates.delete', (s) => h.admin.trpc.modelRates.delete.mutate({ id: s.rateId })],
  ];

  it.each(cases)('%s', async (action, call) => {
    const s = await setup();
    const before = snapshot(s);
    const seq = auditHead(h.t);
    const code = await withFailingAudit(h.t, action, () => errorCode(call(s)));
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect(snapshot(s)).toEqual(before);
    expect(auditSince(h.t, seq)).toEqual([]);
    // Without the fault the same call goes through, so it was the audit write that stopped it.
    await expect(call(s)).resolves.toBeDefined();
    expect(auditSince(h.t, seq).map((e) => e.action)).toEqual([action]);
  });
});

describe('the planted secrets never leave', () => {
  it('appear in no response, no audit event and nowhere in the database file in clear', async () => {
    const provider = await openaiProvider();
    const credential = await openaiCredential(provider.id, wrongKey);
    await h.admin.trpc.credentials.test.mutate({ id: credential.id }); // the fake quotes the key back
    await h.admin.trpc.credentials.list.query();
    await h.admin.trpc.credentials.byId.query({ id: credential.id });
    expect(h.transcript.length).toBeGreaterThan(50);
    expect(leakedFragments(h.transcript.join('\n'), PLANTED)).toEqual([]);
    const audit = db().prepare('SELECT * FROM audit_events').all();
    expect(audit.length).toBeGreaterThan(50);
    expect(leakedFragments(JSON.stringify(audit), PLANTED)).toEqual([]);
    const bytes = hubDbBytes(h.t);
    expect(bytes.length).toBeGreaterThan(0);
    expect(leakedFragments(bytes, PLANTED)).toEqual([]);
    // The check itself can see a secret where there is one.
    expect(leakedFragments(`x${goodKey.slice(3, 15)}x`, PLANTED)).not.toEqual([]);
  });

  it('the audit chain still verifies after everything above', () => {
    expect(h.t.hub.services.audit.verify()).toMatchObject({ ok: true });
  });
});
