// The modelRates router over real HTTP: anyone signed in reads the price list, admins change it (audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHead, auditSince, expectOneEvent, startAdminHarness, type AdminHarness } from './admin-harness';
import { caller, errorCode } from './helpers';

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness();
  await h.admin.trpc.providers.create.mutate({ kind: 'openai', name: 'openai' });
  await h.admin.trpc.providers.create.mutate({ kind: 'anthropic', name: 'anthropic' });
});
afterAll(() => h.close());

const count = (where: string, ...params: unknown[]) =>
  (
    h.t.hub.services.hubDb.$client
      .prepare(`SELECT count(*) AS n FROM model_rates WHERE ${where}`)
      .get(...params) as {
      n: number;
    }
  ).n;

describe('modelRates.upsert', () => {
  it('creates a rate with defaults, audited once', async () => {
    const seq = auditHead(h.t);
    const { created, rate } = await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      inputRate: 0.00015,
      outputRate: 0.0006,
    });
    expect(created).toBe(true);
    expect(rate).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      inputRate: 0.00015,
      outputRate: 0.0006,
      cacheReadRate: null,
      cacheWriteRate: null,
      enabled: true,
      deprecated: false,
    });
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'modelRates.upsert',
      targetType: 'modelRate',
      targetId: rate.id,
    });
    expect(details).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      created: true,
      before: null,
      after: {
        inputRate: 0.00015,
        outputRate: 0.0006,
        cacheReadRate: null,
        cacheWriteRate: null,
        enabled: true,
        deprecated: false,
      },
    });
  });

  it('updates the same (provider, model, type) in place, keeping what is omitted', async () => {
    const first = await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      type: 'chat',
      inputRate: 0.003,
      outputRate: 0.015,
      cacheReadRate: 0.0003,
      cacheWriteRate: 0.00375,
      deprecated: true,
    });
    const seq = auditHead(h.t);
    const second = await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      type: 'chat',
      inputRate: 0.002,
      outputRate: 0,
      cacheWriteRate: null,
    });
    expect(second.created).toBe(false);
    expect(second.rate).toMatchObject({
      id: first.rate.id,
      inputRate: 0.002,
      outputRate: 0,
      cacheReadRate: 0.0003,
      cacheWriteRate: null,
      deprecated: true,
      enabled: true,
    });
    expect(count('provider = ? AND model = ?', 'anthropic', 'claude-sonnet-4-5')).toBe(1);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'modelRates.upsert',
      targetType: 'modelRate',
      targetId: first.rate.id,
    });
    expect(details).toMatchObject({
      created: false,
      before: { inputRate: 0.003, outputRate: 0.015, cacheWriteRate: 0.00375 },
      after: { inputRate: 0.002, outputRate: 0, cacheWriteRate: null },
    });
  });

  it('keeps chat and embedding rates of one model apart', async () => {
    await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'multi',
      type: 'chat',
      inputRate: 1,
      outputRate: 1,
    });
    await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'multi',
      type: 'embedding',
      inputRate: 2,
      outputRate: 0,
    });
    expect(count('model = ?', 'multi')).toBe(2);
  });

  it('refuses a provider that does not exist with NOT_FOUND', async () => {
    const seq = auditHead(h.t);
    expect(
      await errorCode(
        h.admin.trpc.modelRates.upsert.mutate({
          provider: 'nobody',
          model: 'm',
          type: 'chat',
          inputRate: 1,
          outputRate: 1,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(auditSince(h.t, seq)).toEqual([]);
  });

  it.each([
    [{ inputRate: -0.1 }, /inputRate: must not be negative/],
    [{ outputRate: 2_000_000 }, /outputRate: at most 1,000,000 credits per token/],
    [{ cacheReadRate: -1 }, /cacheReadRate: must not be negative/],
    [{ model: 'has space' }, /model: letters, digits/],
    [{ model: 'gpt-*' }, /model: letters, digits/],
    [{ type: 'audio' }, /type: must be one of chat, embedding, image/],
    [{ provider: 'Open/AI' }, /provider: lowercase letters/],
  ])('refuses %j with BAD_REQUEST', async (change, message) => {
    const error = (await h.admin.trpc.modelRates.upsert
      .mutate({
        provider: 'openai',
        model: 'gpt-4o',
        type: 'chat',
        inputRate: 1,
        outputRate: 1,
        ...change,
      } as never)
      .catch((e: unknown) => e)) as Error & { data?: { code: string } };
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(message);
    expect(count('model = ?', 'gpt-4o')).toBe(0);
  });

  it('refuses Infinity and NaN sent as raw JSON', async () => {
    for (const raw of ['1e400', '-1e400']) {
      const response = await fetch(`${h.url}/api/trpc/modelRates.upsert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await adminApiKey()}` },
        body: `{"provider":"openai","model":"inf","type":"chat","inputRate":${raw},"outputRate":1}`,
      });
      expect(response.status).toBe(400);
    }
    expect(count('model = ?', 'inf')).toBe(0);
  });

  it('is for admins only', async () => {
    expect(
      await errorCode(
        h.guest.trpc.modelRates.upsert.mutate({
          provider: 'openai',
          model: 'x',
          type: 'chat',
          inputRate: 0,
          outputRate: 0,
        }),
      ),
    ).toBe('FORBIDDEN');
  });
});

let apiKeySecret: string | undefined;
async function adminApiKey(): Promise<string> {
  apiKeySecret ??= (await h.admin.trpc.apiKeys.create.mutate({ name: 'raw', scopes: ['api'] })).secret;
  return apiKeySecret;
}

describe('modelRates.list', () => {
  it('is open to any signed-in user, with the enabled and deprecated flags', async () => {
    const rates = await h.guest.trpc.modelRates.list.query();
    expect(rates.map((r) => `${r.provider}/${r.model}/${r.type}`)).toEqual([
      'anthropic/claude-sonnet-4-5/chat',
      'openai/gpt-4o-mini/chat',
      'openai/multi/chat',
      'openai/multi/embedding',
    ]);
    expect(rates.find((r) => r.model === 'claude-sonnet-4-5')).toMatchObject({
      deprecated: true,
      enabled: true,
    });
    expect(await errorCode(caller(h.url).trpc.modelRates.list.query())).toBe('UNAUTHORIZED');
  });

  it('filters by provider, type and enabled', async () => {
    expect((await h.guest.trpc.modelRates.list.query({ provider: 'anthropic' })).map((r) => r.model)).toEqual(
      ['claude-sonnet-4-5'],
    );
    expect((await h.guest.trpc.modelRates.list.query({ type: 'embedding' })).map((r) => r.model)).toEqual([
      'multi',
    ]);
    await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'multi',
      type: 'embedding',
      inputRate: 2,
      outputRate: 0,
      enabled: false,
    });
    expect(
      (await h.guest.trpc.modelRates.list.query({ enabled: false })).map((r) => `${r.model}/${r.type}`),
    ).toEqual(['multi/embedding']);
    expect((await h.guest.trpc.modelRates.list.query({ enabled: true })).length).toBe(3);
  });
});

describe('modelRates.delete', () => {
  it('deletes a rate, audited with what it was', async () => {
    const { rate } = await h.admin.trpc.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'to-delete',
      type: 'image',
      inputRate: 0.04,
      outputRate: 0,
    });
    const seq = auditHead(h.t);
    expect(await h.admin.trpc.modelRates.delete.mutate({ id: rate.id })).toEqual({ id: rate.id });
    expect(count('id = ?', rate.id)).toBe(0);
    const details = expectOneEvent(h.t, seq, h.admin, {
      action: 'modelRates.delete',
      targetType: 'modelRate',
      targetId: rate.id,
    });
    expect(details).toEqual({
      provider: 'openai',
      model: 'to-delete',
      type: 'image',
      inputRate: 0.04,
      outputRate: 0,
      cacheReadRate: null,
      cacheWriteRate: null,
      enabled: true,
      deprecated: false,
    });
    expect(await errorCode(h.admin.trpc.modelRates.delete.mutate({ id: rate.id }))).toBe('NOT_FOUND');
    expect(await errorCode(h.guest.trpc.modelRates.delete.mutate({ id: 'x' }))).toBe('FORBIDDEN');
  });
});
