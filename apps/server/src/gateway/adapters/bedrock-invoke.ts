/**
 * Bedrock embeddings and images through InvokeModel, whose body is each model family's own format. Only the
 * families whose format maps faithfully onto OpenAI's are translated; anything else is `unsupported` rather
 * than guessed.
 *
 * - Embeddings: Amazon Titan Text Embeddings (`amazon.titan-embed-text-v1`, `-v2`). Titan embeds one text per
 *   call, so several inputs are several calls (a few at a time, in order); `dimensions` maps to v2's
 *   `dimensions` (v1 has a fixed size and refuses it). Titan v2 normalises by default, as OpenAI does.
 *   Usage is the sum of `inputTextTokenCount`.
 * - Images: Amazon Titan Image Generator and Nova Canvas (one shared TEXT_IMAGE format): `n` is
 *   `numberOfImages`, `size` is width x height, `quality` hd/high is `premium`. They write PNG, returned as
 *   b64_json (no URLs).
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type OpenAI from 'openai';
import { bedrockRuntimeClient, describeBedrockError } from '../../providers/wire/bedrock';
import type { UpstreamCall, UpstreamTarget } from '../../providers/upstream';
import { badRequest, failureOf, linkedAbort, unsupported } from './sdk-failure';
import { embeddingInputs, embeddingOf, imageSizeOf, nowSeconds } from './sdk-output';
import {
  NO_USAGE,
  type EmbeddingParams,
  type EmbeddingResult,
  type ImageParams,
  type ImageResult,
} from './types';

/** Titan embeds one text per request; this many requests run at once for a list of inputs. */
export const TITAN_CONCURRENCY = 4;

/** Strips a cross-region inference profile prefix (`us.`, `eu.`...) to see the model family. */
const family = (modelId: string) => modelId.replace(/^(us|eu|apac|us-gov|global)\./, '');

async function invokeJson<T>(
  client: BedrockRuntimeClient,
  modelId: string,
  body: unknown,
  signal: AbortSignal,
): Promise<T> {
  const { InvokeModelCommand } = await import('@aws-sdk/client-bedrock-runtime');
  const output = await client.send(
    new InvokeModelCommand({
      modelId,
      contentType: 'application/json',
      accept: 'application/json',
      body: new TextEncoder().encode(JSON.stringify(body)),
    }),
    { abortSignal: signal },
  );
  return JSON.parse(new TextDecoder().decode(output.body)) as T;
}

export async function bedrockEmbeddings(
  target: UpstreamTarget,
  call: UpstreamCall,
  params: EmbeddingParams,
): Promise<EmbeddingResult> {
  const model = family(params.model);
  if (!model.startsWith('amazon.titan-embed-text-')) {
    throw unsupported(
      'Bedrock embeddings are translated for Amazon Titan Text Embeddings (amazon.titan-embed-text-*) only',
    );
  }
  const v1 = model.startsWith('amazon.titan-embed-text-v1');
  if (v1 && typeof params.dimensions === 'number')
    throw unsupported('Titan Text Embeddings v1 has a fixed size: leave dimensions out');
  const inputs = embeddingInputs(params.input);
  if (inputs === null) throw unsupported('Titan embeds text: token-id arrays cannot be sent to it');
  const client = await bedrockRuntimeClient(target, call);
  // One failed input fails the call: the others still running are aborted.
  const abort = linkedAbort(call.signal);
  const results: { embedding: number[]; inputTextTokenCount?: number }[] = [];
  try {
    for (let start = 0; start < inputs.length; start += TITAN_CONCURRENCY) {
      const batch = inputs
        .slice(start, start + TITAN_CONCURRENCY)
        .map((inputText) =>
          invokeJson<{ embedding: number[]; inputTextTokenCount?: number }>(
            client,
            params.model,
            { inputText, ...(typeof params.dimensions === 'number' && { dimensions: params.dimensions }) },
            abort.controller.signal,
          ),
        );
      results.push(...(await Promise.all(batch)));
    }
  } catch (error) {
    abort.controller.abort(new Error('Another input of the call failed'));
    throw failureOf(error, describeBedrockError, call, target);
  } finally {
    abort.dispose();
    client.destroy();
  }
  const tokens = results.reduce((sum, r) => sum + (r.inputTextTokenCount ?? 0), 0);
  return {
    response: {
      object: 'list',
      data: results.map((r, index) => embeddingOf(index, r.embedding, params.encoding_format)),
      model: params.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    usage: { ...NO_USAGE, inputTokens: tokens },
  };
}

function imageGenerationConfig(params: ImageParams) {
  const size = imageSizeOf(params.size);
  if (!size && params.size && params.size !== 'auto')
    throw badRequest(`size must be WIDTHxHEIGHT or auto, not "${params.size}"`);
  const quality =
    params.quality === 'hd' || params.quality === 'high'
      ? 'premium'
      : params.quality === 'standard' || params.quality === 'medium' || params.quality === 'low'
        ? 'standard'
        : null;
  return {
    numberOfImages: params.n ?? 1,
    ...(size && { width: size.width, height: size.height }),
    ...(quality && { quality }),
  };
}

export async function bedrockImages(
  target: UpstreamTarget,
  call: UpstreamCall,
  params: ImageParams,
): Promise<ImageResult> {
  const modelId = params.model ?? '';
  const model = family(modelId);
  if (!model.startsWith('amazon.titan-image-generator') && !model.startsWith('amazon.nova-canvas')) {
    throw unsupported('Bedrock images are translated for Amazon Titan Image Generator and Nova Canvas only');
  }
  if (params.stream) throw unsupported('Bedrock does not stream images');
  if (params.output_format && params.output_format !== 'png')
    throw unsupported('Titan and Nova Canvas write PNG only');
  const body = {
    taskType: 'TEXT_IMAGE',
    textToImageParams: { text: params.prompt },
    imageGenerationConfig: imageGenerationConfig(params),
  };
  const client = await bedrockRuntimeClient(target, call);
  let answer: { images?: string[]; error?: string | null };
  try {
    answer = await invokeJson(client, modelId, body, call.signal);
  } catch (error) {
    throw failureOf(error, describeBedrockError, call, target);
  } finally {
    client.destroy();
  }
  const images = answer.images ?? [];
  if (answer.error || images.length === 0)
    throw badRequest(`the provider produced no image${answer.error ? `: ${answer.error}` : ''}`);
  const response: OpenAI.ImagesResponse = {
    created: nowSeconds(),
    data: images.map((b64) => ({ b64_json: b64 })),
    output_format: 'png',
  };
  return { response, images: images.length, usage: NO_USAGE };
}
