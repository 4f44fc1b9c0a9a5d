import { describe, expect, it } from 'vitest';
import type { EmbeddingResponse, ImageResponse } from './adapters/types';
import {
  aigneImageBody,
  aigneImageOutput,
  embeddingParamsFromV2,
  imageParamsFromAigne,
  imageParamsFromV2,
  v2EmbeddingBody,
  v2EmbeddingResponse,
  v2ImageBody,
  v2ImageResponse,
} from './aigne-media';
import { GatewayError } from './errors';
import type { CallSummary } from './service';

const summary: CallSummary = {
  model: 'openai/gpt-image-1',
  usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  credits: 1,
};

const images: ImageResponse = {
  created: 1,
  data: [{ b64_json: 'AAAA' }, { url: 'https://cdn.example/x.png' }, {}],
};

describe('AIGNE image model', () => {
  it('merges options from modelOptions and the top level (the top level wins)', () => {
    const { input } = aigneImageBody.parse({
      input: {
        prompt: 'a cat',
        n: 2,
        size: '1024x1024',
        outputFileType: 'url',
        modelOptions: { model: 'openai/gpt-image-1', size: '512x512', quality: 'high', outputFormat: 'webp' },
      },
      agent: '$CHAT_MODEL',
      options: { streaming: false },
    });
    expect(imageParamsFromAigne(input, 'openai/gpt-image-1')).toEqual({
      model: 'openai/gpt-image-1',
      prompt: 'a cat',
      n: 2,
      size: '1024x1024',
      quality: 'high',
      output_format: 'webp',
    });
  });

  it('refuses image editing with a clear message', () => {
    const { input } = aigneImageBody.parse({
      input: { prompt: 'edit', image: [{ type: 'file', data: 'AAAA' }] },
    });
    expect(() => imageParamsFromAigne(input, 'm')).toThrow(GatewayError);
    expect(() => imageParamsFromAigne(input, 'm')).toThrow(/not supported/);
  });

  it('answers base64 images as files and URLs as urls, typed by the output format', () => {
    const params = { model: 'm', prompt: 'p', output_format: 'jpeg' as const };
    expect(aigneImageOutput(images, params, summary, true)).toEqual({
      images: [
        { type: 'file', data: 'AAAA', mimeType: 'image/jpeg' },
        { type: 'url', url: 'https://cdn.example/x.png', mimeType: 'image/jpeg' },
      ],
      usage: { inputTokens: 0, outputTokens: 0, aigneHubCredits: 1 },
      model: 'openai/gpt-image-1',
    });
    expect(aigneImageOutput(images, { model: 'm', prompt: 'p' }, summary, false).images[0]).toEqual({
      type: 'file',
      data: 'AAAA',
      mimeType: 'image/png',
    });
  });
});

describe('v2 image generations', () => {
  it('takes responseFormat under either spelling', () => {
    expect(
      imageParamsFromV2(
        v2ImageBody.parse({ model: 'm', prompt: 'p', response_format: 'url', style: 'vivid' }),
      ),
    ).toEqual({ model: 'm', prompt: 'p', response_format: 'url', style: 'vivid' });
    expect(
      imageParamsFromV2(v2ImageBody.parse({ model: 'm', prompt: 'p', responseFormat: 'b64_json' })),
    ).toEqual({
      model: 'm',
      prompt: 'p',
      response_format: 'b64_json',
    });
  });

  it('refuses image editing', () => {
    expect(() =>
      imageParamsFromV2(v2ImageBody.parse({ model: 'm', prompt: 'p', image: 'https://x/y.png' })),
    ).toThrow(/not supported/);
  });

  it('answers images and data, with credits only when billing is on', () => {
    const both = [{ b64Json: 'AAAA', b64_json: 'AAAA' }, { url: 'https://cdn.example/x.png' }];
    expect(v2ImageResponse(images, summary, true)).toEqual({
      images: both,
      data: both,
      model: 'openai/gpt-image-1',
      usage: { aigneHubCredits: 1 },
    });
    expect(v2ImageResponse(images, summary, false).usage).toEqual({});
  });
});

describe('v2 embeddings', () => {
  it('passes the input through and answers data, model and usage', () => {
    const body = v2EmbeddingBody.parse({ model: 'openai/e', input: ['a'], dimensions: 4 });
    expect(embeddingParamsFromV2(body)).toEqual({ model: 'openai/e', input: ['a'], dimensions: 4 });
    const response: EmbeddingResponse = {
      object: 'list',
      model: 'openai/e',
      data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    };
    const charged: CallSummary = {
      model: 'openai/e',
      usage: { inputTokens: 3, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      credits: 0.0003,
    };
    expect(v2EmbeddingResponse(response, charged, true)).toEqual({
      data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
      model: 'openai/e',
      usage: { promptTokens: 3, totalTokens: 3, aigneHubCredits: 0.0003 },
    });
  });

  it('refuses an empty input list', () => {
    expect(v2EmbeddingBody.safeParse({ model: 'm', input: [] }).success).toBe(false);
  });
});
