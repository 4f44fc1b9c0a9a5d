/**
 * Images and embeddings in the AIGNE dialects; translation only, no I/O.
 *
 * - The AIGNE framework's image model (`AIGNEHubImageModel`) invokes `POST /api/v2/image` with an
 *   ImageModelInput (`prompt`, `n`, options such as `size` either at the top level or in `modelOptions`) and
 *   expects `{ images: [{ type: 'url', url } | { type: 'file', data, mimeType }], usage, model }`.
 * - AIGNE Hub's v2 API: `POST /api/v2/image/generations` (camelCase OpenAI parameters) answered with
 *   `{ images, data, model, usage }`, and `POST /api/v2/embeddings` answered with `{ data, model, usage }`.
 */
import { z } from 'zod';
import type { EmbeddingParams, EmbeddingResponse, ImageParams, ImageResponse } from './adapters/types';
import { aigneInvokeOptions, aigneUsage, type AigneUsage } from './aigne-chat';
import { badRequest } from './errors';
import type { CallSummary } from './service';

/** Image options in AIGNE's camelCase, wherever they appear (top level or `modelOptions`). */
const imageOptionFields = {
  size: z.string().max(50).nullish(),
  n: z.number().int().min(1).max(10).nullish(),
  quality: z.enum(['standard', 'hd', 'low', 'medium', 'high', 'auto']).nullish(),
  style: z.enum(['vivid', 'natural']).nullish(),
  background: z.enum(['transparent', 'opaque', 'auto']).nullish(),
  moderation: z.enum(['low', 'auto']).nullish(),
  outputFormat: z.enum(['png', 'jpeg', 'webp']).nullish(),
  outputCompression: z.number().int().min(0).max(100).nullish(),
  responseFormat: z.enum(['url', 'b64_json']).nullish(),
  user: z.string().max(256).nullish(),
};

const imageOptions = z.looseObject(imageOptionFields);

export const aigneImageBody = z.looseObject({
  input: z.looseObject({
    prompt: z.string().min(1, 'prompt is required').max(32_000),
    /** Images to edit; the hub's gateway generates only, so these are refused with a clear message. */
    image: z.array(z.unknown()).nullish(),
    modelOptions: imageOptions.extend({ model: z.string().max(300).nullish() }).nullish(),
    ...imageOptionFields,
  }),
  agent: z.string().nullish(),
  model: z.string().max(300).nullish(),
  options: aigneInvokeOptions,
});

export type AigneImageBody = z.infer<typeof aigneImageBody>;
type ImageOptions = z.infer<typeof imageOptions>;

function imageParams(model: string, prompt: string, options: ImageOptions): ImageParams {
  const params: ImageParams = { model, prompt };
  if (options.n) params.n = options.n;
  if (options.size) params.size = options.size;
  if (options.quality) params.quality = options.quality;
  if (options.style) params.style = options.style;
  if (options.background) params.background = options.background;
  if (options.moderation) params.moderation = options.moderation;
  if (options.outputFormat) params.output_format = options.outputFormat;
  if (typeof options.outputCompression === 'number') params.output_compression = options.outputCompression;
  if (options.responseFormat) params.response_format = options.responseFormat;
  if (options.user) params.user = options.user;
  return params;
}

/** An ImageModelInput as OpenAI image parameters; top-level options win over `modelOptions`. */
export function imageParamsFromAigne(input: AigneImageBody['input'], model: string): ImageParams {
  if (input.image && input.image.length > 0) {
    throw badRequest(
      'unsupported',
      'Image editing (input.image) is not supported by this hub; send a prompt only',
      'input.image',
    );
  }
  const merged: ImageOptions = { ...(input.modelOptions ?? {}) };
  for (const key of Object.keys(imageOptionFields) as (keyof typeof imageOptionFields)[]) {
    const value = input[key];
    if (value !== null && value !== undefined) Object.assign(merged, { [key]: value });
  }
  return imageParams(model, input.prompt, merged);
}

export type AigneImage =
  { type: 'url'; url: string; mimeType: string } | { type: 'file'; data: string; mimeType: string };

export interface AigneImageOutput {
  images: AigneImage[];
  usage: AigneUsage;
  model: string;
}

function imageMimeType(response: ImageResponse, params: ImageParams): string {
  return `image/${params.output_format ?? response.output_format ?? 'png'}`;
}

export function aigneImageOutput(
  response: ImageResponse,
  params: ImageParams,
  summary: CallSummary,
  billing: boolean,
): AigneImageOutput {
  const mimeType = imageMimeType(response, params);
  return {
    images: (response.data ?? []).flatMap((image): AigneImage[] => {
      if (image.url) return [{ type: 'url', url: image.url, mimeType }];
      if (image.b64_json) return [{ type: 'file', data: image.b64_json, mimeType }];
      return [];
    }),
    usage: aigneUsage(summary.usage, billing ? summary.credits : null),
    model: summary.model,
  };
}

export const v2ImageBody = z.looseObject({
  model: z.string().min(1, 'model is required').max(300),
  prompt: z.string().min(1, 'prompt is required').max(32_000),
  image: z.union([z.string(), z.array(z.string())]).nullish(),
  /** OpenAI's spelling, which AIGNE Hub accepts beside `responseFormat`. */
  response_format: z.enum(['url', 'b64_json']).nullish(),
  ...imageOptionFields,
});

export type V2ImageBody = z.infer<typeof v2ImageBody>;

export function imageParamsFromV2(body: V2ImageBody): ImageParams {
  const hasImage = Array.isArray(body.image) ? body.image.length > 0 : Boolean(body.image);
  if (hasImage) {
    throw badRequest(
      'unsupported',
      'Image editing (image) is not supported by this hub; send a prompt only',
      'image',
    );
  }
  return imageParams(body.model, body.prompt, {
    ...body,
    responseFormat: body.responseFormat ?? body.response_format ?? null,
  });
}

/** AIGNE Hub's image item: base64 under both spellings its clients read. */
export type V2Image = { url: string } | { b64Json: string; b64_json: string };

export interface V2ImageResponse {
  images: V2Image[];
  /** The same list again, as AIGNE Hub answers it. */
  data: V2Image[];
  model: string;
  usage: { aigneHubCredits?: number };
}

export function v2ImageResponse(
  response: ImageResponse,
  summary: CallSummary,
  billing: boolean,
): V2ImageResponse {
  const images = (response.data ?? []).flatMap((image): V2Image[] => {
    if (image.url) return [{ url: image.url }];
    if (image.b64_json) return [{ b64Json: image.b64_json, b64_json: image.b64_json }];
    return [];
  });
  return {
    images,
    data: images,
    model: summary.model,
    usage: billing ? { aigneHubCredits: summary.credits } : {},
  };
}

export const v2EmbeddingBody = z.looseObject({
  model: z.string().min(1, 'model is required').max(300),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number()).min(1),
    z.array(z.array(z.number())).min(1),
  ]),
  dimensions: z.number().int().min(1).nullish(),
});

export function embeddingParamsFromV2(body: z.infer<typeof v2EmbeddingBody>): EmbeddingParams {
  return {
    model: body.model,
    input: body.input,
    ...(typeof body.dimensions === 'number' && { dimensions: body.dimensions }),
  };
}

export interface V2EmbeddingResponse {
  data: EmbeddingResponse['data'];
  model: string;
  usage: { promptTokens: number; totalTokens: number; aigneHubCredits?: number };
}

export function v2EmbeddingResponse(
  response: EmbeddingResponse,
  summary: CallSummary,
  billing: boolean,
): V2EmbeddingResponse {
  const { usage } = summary;
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    data: response.data,
    model: summary.model,
    usage: {
      promptTokens: prompt,
      totalTokens: prompt,
      ...(billing && { aigneHubCredits: summary.credits }),
    },
  };
}
