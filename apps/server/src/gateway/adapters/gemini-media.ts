/**
 * Gemini embeddings and images in OpenAI's shapes.
 *
 * Embeddings go through the SDK's `embedContent` (REST `:batchEmbedContents`, every input in one request);
 * `dimensions` is `outputDimensionality`. The Gemini API reports no token counts for embeddings (only Vertex
 * AI fills `statistics.tokenCount`), so usage is what it reports: usually zero.
 *
 * Images come two ways, by model:
 * - Imagen (`imagen-*`): REST `:predict`, called directly with fetch. The SDK's `generateImages` refuses the
 *   Gemini API in this version (it only routes Imagen through Vertex AI), but the Gemini API serves Imagen at
 *   `:predict` with the same body the SDK would build. `n` is `sampleCount`.
 * - Gemini image models (`gemini-*-image*`): `generateContent` with `responseModalities: ['IMAGE']`; one
 *   image per request, so `n` > 1 is refused. Usage is the tokens the answer reports.
 * Either way `size` becomes the nearest aspect ratio the model family offers, and images come back as
 * `b64_json` (neither API returns URLs, so `response_format: 'url'` is answered with b64_json too).
 */
import type OpenAI from 'openai';
import { PreconditionFailedError } from '@aigne-hub/core';
import { geminiClient, describeGeminiError, GEMINI_API_VERSION } from '../../providers/wire/gemini';
import type { UpstreamCall, UpstreamTarget } from '../../providers/upstream';
import { tokenUsageOf } from './gemini-response';
import { badRequest, failureOf, unsupported } from './sdk-failure';
import { embeddingInputs, embeddingOf, imageSizeOf, nowSeconds } from './sdk-output';
import {
  NO_USAGE,
  type EmbeddingParams,
  type EmbeddingResult,
  type ImageParams,
  type ImageResult,
} from './types';

const fail = (error: unknown, call: UpstreamCall, target: UpstreamTarget) =>
  failureOf(error, describeGeminiError, call, target);

export async function geminiEmbeddings(
  target: UpstreamTarget,
  call: UpstreamCall,
  params: EmbeddingParams,
): Promise<EmbeddingResult> {
  const inputs = embeddingInputs(params.input);
  if (inputs === null) throw unsupported('Gemini embeds text: token-id arrays cannot be sent to it');
  const client = await geminiClient(target, call);
  let embeddings: { values?: number[]; statistics?: { tokenCount?: number } }[];
  try {
    const response = await client.models.embedContent({
      model: params.model,
      contents: inputs,
      config: {
        ...(typeof params.dimensions === 'number' && { outputDimensionality: params.dimensions }),
        abortSignal: call.signal,
      },
    });
    embeddings = response.embeddings ?? [];
  } catch (error) {
    throw fail(error, call, target);
  }
  if (embeddings.length !== inputs.length) {
    throw fail(
      new Error(`Gemini returned ${embeddings.length} embeddings for ${inputs.length} inputs`),
      call,
      target,
    );
  }
  const tokens = embeddings.reduce((sum, e) => sum + (e.statistics?.tokenCount ?? 0), 0);
  return {
    response: {
      object: 'list',
      data: embeddings.map((e, index) => embeddingOf(index, e.values ?? [], params.encoding_format)),
      model: params.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    usage: { ...NO_USAGE, inputTokens: tokens },
  };
}

const IMAGEN_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'];
const GEMINI_IMAGE_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

/** The ratio in `ratios` closest to the requested size's (by log ratio), or null for 'auto'/no size. */
export function aspectRatioFor(size: string | null | undefined, ratios: readonly string[]): string | null {
  const dims = imageSizeOf(size);
  if (!dims) {
    if (size && size !== 'auto') throw badRequest(`size must be WIDTHxHEIGHT or auto, not "${size}"`);
    return null;
  }
  const wanted = Math.log(dims.width / dims.height);
  let best: string | null = null;
  let distance = Number.POSITIVE_INFINITY;
  for (const ratio of ratios) {
    const [w = 1, h = 1] = ratio.split(':').map(Number);
    const d = Math.abs(Math.log(w / h) - wanted);
    if (d < distance) [best, distance] = [ratio, d];
  }
  return best;
}

function imagesResponse(images: { mimeType: string; data: string }[], usage?: OpenAI.ImagesResponse.Usage) {
  const format = images[0]?.mimeType.replace(/^image\//, '');
  return {
    created: nowSeconds(),
    data: images.map((image) => ({ b64_json: image.data })),
    ...(format === 'png' || format === 'jpeg' || format === 'webp' ? { output_format: format } : {}),
    ...(usage && { usage }),
  } satisfies OpenAI.ImagesResponse;
}

export async function geminiImages(
  target: UpstreamTarget,
  call: UpstreamCall,
  params: ImageParams,
): Promise<ImageResult> {
  if (params.stream) throw unsupported('Gemini does not stream images');
  const model = params.model ?? '';
  return model.startsWith('imagen-')
    ? imagen(target, call, params, model)
    : imageModel(target, call, params, model);
}

/** Imagen through REST `:predict` (see the module comment for why not the SDK). */
async function imagen(
  target: UpstreamTarget,
  call: UpstreamCall,
  params: ImageParams,
  model: string,
): Promise<ImageResult> {
  if (target.secret.type !== 'api_key') throw new PreconditionFailedError('Gemini needs an API key');
  if (params.output_format === 'webp') throw unsupported('Imagen writes PNG or JPEG, not WebP');
  const aspectRatio = aspectRatioFor(params.size, IMAGEN_RATIOS);
  const body = {
    instances: [{ prompt: params.prompt }],
    parameters: {
      sampleCount: params.n ?? 1,
      ...(aspectRatio && { aspectRatio }),
      ...(params.output_format && { outputOptions: { mimeType: `image/${params.output_format}` } }),
    },
  };
  const url = `${target.baseUrl.replace(/\/$/, '')}/${GEMINI_API_VERSION}/models/${encodeURIComponent(model)}:predict`;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': target.secret.apiKey },
      body: JSON.stringify(body),
      signal: call.signal,
    });
    text = await response.text();
    if (!response.ok) {
      const { ApiError } = await import('@google/genai');
      throw new ApiError({ message: text, status: response.status });
    }
  } catch (error) {
    throw fail(error, call, target);
  }
  let predictions: { bytesBase64Encoded?: string; mimeType?: string; raiFilteredReason?: string }[];
  try {
    predictions = (JSON.parse(text) as { predictions?: typeof predictions }).predictions ?? [];
  } catch {
    throw fail(new Error('Imagen answered with a body that is not JSON'), call, target);
  }
  const images = predictions.flatMap((p) =>
    p.bytesBase64Encoded ? [{ mimeType: p.mimeType ?? 'image/png', data: p.bytesBase64Encoded }] : [],
  );
  if (images.length === 0) {
    const reason = predictions.find((p) => p.raiFilteredReason)?.raiFilteredReason;
    throw badRequest(`the provider produced no image${reason ? `: ${reason}` : ''}`);
  }
  return { response: imagesResponse(images), images: images.length, usage: NO_USAGE };
}

/** A Gemini image model through `generateContent`. */
async function imageModel(
  target: UpstreamTarget,
  call: UpstreamCall,
  params: ImageParams,
  model: string,
): Promise<ImageResult> {
  if (typeof params.n === 'number' && params.n > 1) {
    throw unsupported('Gemini image models make one image per request: n must be 1');
  }
  const aspectRatio = aspectRatioFor(params.size, GEMINI_IMAGE_RATIOS);
  const client = await geminiClient(target, call);
  let response: Awaited<ReturnType<typeof client.models.generateContent>>;
  try {
    response = await client.models.generateContent({
      model,
      contents: [{ role: 'user', parts: [{ text: params.prompt }] }],
      config: {
        responseModalities: ['IMAGE'],
        ...(aspectRatio && { imageConfig: { aspectRatio } }),
        automaticContinuation: false,
        abortSignal: call.signal,
      },
    });
  } catch (error) {
    throw fail(error, call, target);
  }
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  const images = parts.flatMap((p) =>
    p.inlineData?.data ? [{ mimeType: p.inlineData.mimeType ?? 'image/png', data: p.inlineData.data }] : [],
  );
  if (images.length === 0) {
    const reason = response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason;
    throw badRequest(`the provider produced no image${reason ? ` (${reason})` : ''}`);
  }
  const usage = tokenUsageOf(response.usageMetadata);
  const openaiUsage = {
    input_tokens: usage.inputTokens + usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.cacheReadTokens + usage.outputTokens,
    input_tokens_details: { text_tokens: usage.inputTokens + usage.cacheReadTokens, image_tokens: 0 },
  };
  return { response: imagesResponse(images, openaiUsage), images: images.length, usage };
}
