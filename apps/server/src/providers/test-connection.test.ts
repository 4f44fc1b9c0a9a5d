// The connection test through the real SDKs against fake upstreams speaking each wire format over HTTP.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../../test/fakes/anthropic';
import { FakeBedrock, signedWith } from '../../test/fakes/bedrock';
import { FakeGemini } from '../../test/fakes/gemini';
import { FakeOpenAI } from '../../test/fakes/openai';
import type { FakeUpstream } from '../../test/fakes/fake-upstream';
import { testConnection } from './test-connection';
import type { UpstreamSecret, UpstreamTarget } from './upstream';

const random = (n: number) => randomBytes(n).toString('hex');
const goodKey = `sk-good-${random(20)}`;
const wrongKey = `sk-wrong-${random(20)}`;
const accessKeyId = `AKIA${random(8).toUpperCase()}`;
const secretAccessKey = `${random(15)}/${random(4)}+AB`;

let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let gemini: FakeGemini;
let bedrock: FakeBedrock;

beforeAll(async () => {
  [openai, anthropic, gemini, bedrock] = await Promise.all([
    FakeOpenAI.start({ keys: [goodKey] }),
    FakeAnthropic.start({ keys: [goodKey] }),
    FakeGemini.start({ keys: [goodKey] }),
    FakeBedrock.start({ region: 'eu-central-1', keyPairs: new Map([[accessKeyId, secretAccessKey]]) }),
  ]);
});
afterAll(async () => {
  await Promise.all([openai, anthropic, gemini, bedrock].map((fake) => fake.close()));
});

const apiKey = (key: string): UpstreamSecret => ({ type: 'api_key', apiKey: key });

interface Case {
  name: string;
  fake: () => FakeUpstream;
  target: (secret: 'good' | 'wrong') => UpstreamTarget;
  models: number;
  /** What a rejected key is answered with. */
  rejectedStatus: number;
  /** The part of the wrong secret the fake quotes back. */
  echoed: () => string;
}

const cases: Case[] = [
  {
    name: 'openai',
    fake: () => openai,
    target: (s) => ({
      kind: 'openai',
      baseUrl: openai.baseUrl,
      region: null,
      secret: apiKey(s === 'good' ? goodKey : wrongKey),
    }),
    models: 3,
    rejectedStatus: 401,
    echoed: () => wrongKey.slice(0, 28),
  },
  {
    name: 'anthropic',
    fake: () => anthropic,
    target: (s) => ({
      kind: 'anthropic',
      baseUrl: anthropic.baseUrl,
      region: null,
      secret: apiKey(s === 'good' ? goodKey : wrongKey),
    }),
    models: 2,
    rejectedStatus: 401,
    echoed: () => wrongKey.slice(0, 28),
  },
  {
    name: 'gemini',
    fake: () => gemini,
    target: (s) => ({
      kind: 'google',
      baseUrl: gemini.baseUrl,
      region: null,
      secret: apiKey(s === 'good' ? goodKey : wrongKey),
    }),
    models: 3,
    rejectedStatus: 400,
    echoed: () => wrongKey.slice(0, 28),
  },
  {
    name: 'bedrock',
    fake: () => bedrock,
    target: (s) => ({
      kind: 'bedrock',
      baseUrl: bedrock.baseUrl,
      region: 'eu-central-1',
      secret: {
        type: 'access_key_pair',
        accessKeyId,
        secretAccessKey: s === 'good' ? secretAccessKey : `${secretAccessKey.slice(0, -4)}WXYZ`,
      },
    }),
    models: 2,
    rejectedStatus: 403,
    echoed: () => accessKeyId,
  },
];

describe.each(cases)('testConnection: $name', (c) => {
  it('reports ok with the model count when the key works', async () => {
    c.fake().reset();
    const result = await testConnection(c.target('good'), { timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: true, status: 200, modelCount: c.models });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.error).toBeUndefined();
    expect(c.fake().requests).toHaveLength(1);
  });

  it('reports a rejected key with the status, and the quoted key scrubbed from the error', async () => {
    c.fake().reset();
    const result = await testConnection(c.target('wrong'), { timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, status: c.rejectedStatus, failure: 'rejected' });
    expect(result.error).toBeTypeOf('string');
    expect(result.error).not.toContain(c.echoed());
    expect(result.error).not.toContain(wrongKey);
    expect(result.error).not.toContain(secretAccessKey.slice(0, 20));
    expect(c.fake().requests).toHaveLength(1); // no retry
  });

  it('reports a 500 as an upstream error, without retrying', async () => {
    c.fake().reset();
    c.fake().fault = { type: 'status', status: 500 };
    const result = await testConnection(c.target('good'), { timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, status: 500, failure: 'upstream_error' });
    expect(c.fake().requests).toHaveLength(1);
  });

  it('gives up at the deadline', async () => {
    c.fake().reset();
    c.fake().fault = { type: 'delay', ms: 5_000 };
    const result = await testConnection(c.target('good'), { timeoutMs: 300 });
    expect(result).toEqual({
      ok: false,
      latencyMs: result.latencyMs,
      failure: 'timeout',
      error: 'No answer within 300 ms',
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(2_000);
    c.fake().reset();
  });
});

describe('what the SDKs send', () => {
  it('OpenAI: Bearer key, nothing from the environment', async () => {
    openai.reset();
    await testConnection(cases[0]!.target('good'), { timeoutMs: 5_000 });
    const [request] = openai.requests;
    expect(request?.path).toBe('/v1/models');
    expect(request?.headers.authorization).toBe(`Bearer ${goodKey}`);
    expect(request?.headers['openai-organization']).toBeUndefined();
    expect(request?.headers['openai-project']).toBeUndefined();
  });

  it('Anthropic: x-api-key and anthropic-version, no Authorization', async () => {
    anthropic.reset();
    await testConnection(cases[1]!.target('good'), { timeoutMs: 5_000 });
    const [request] = anthropic.requests;
    expect(request?.path).toBe('/v1/models');
    expect(request?.headers['x-api-key']).toBe(goodKey);
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('Gemini: x-goog-api-key on /v1beta/models, never the key in the URL', async () => {
    gemini.reset();
    await testConnection(cases[2]!.target('good'), { timeoutMs: 5_000 });
    const [request] = gemini.requests;
    expect(request?.path).toBe('/v1beta/models');
    expect(request?.headers['x-goog-api-key']).toBe(goodKey);
    expect(request?.rawQuery).not.toContain(goodKey);
  });

  it('Bedrock: a SigV4 signature by the stored access key for the provider region', async () => {
    bedrock.reset();
    await testConnection(cases[3]!.target('good'), { timeoutMs: 5_000 });
    const [request] = bedrock.requests;
    expect(request?.path).toBe('/foundation-models');
    expect(signedWith(request!, accessKeyId)).toBe(true);
    expect(request?.headers.authorization).toContain('/eu-central-1/bedrock/aws4_request');
    expect(JSON.stringify(request?.headers)).not.toContain(secretAccessKey);
  });

  it('keyless Ollama: no Authorization header at all', async () => {
    const ollama = await FakeOpenAI.start({ keys: [], keyless: true });
    try {
      const result = await testConnection(
        { kind: 'ollama', baseUrl: ollama.baseUrl, region: null, secret: { type: 'none' } },
        { timeoutMs: 5_000 },
      );
      expect(result).toMatchObject({ ok: true, modelCount: 3 });
      expect(ollama.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await ollama.close();
    }
  });
});

describe('unreachable upstream', () => {
  it('reports a refused connection without a status', async () => {
    const gone = await FakeOpenAI.start({ keys: [goodKey] });
    const baseUrl = gone.baseUrl;
    await gone.close();
    const result = await testConnection(
      { kind: 'openai', baseUrl, region: null, secret: apiKey(goodKey) },
      { timeoutMs: 5_000 },
    );
    expect(result).toMatchObject({ ok: false, failure: 'unreachable' });
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/Connection/);
  });
});
