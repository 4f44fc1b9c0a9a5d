/**
 * The non-chat gateway helpers: embeddings, image generation and the model list, with their types and the
 * translation from the hub's OpenAI-compatible answers.
 */
import { invalidResponse, sendJson, type CallOptions, type Transport } from './http';

export interface EmbeddingsRequest {
  /** `provider/model`, e.g. `openai/text-embedding-3-small`. */
  model: string;
  /** One text or several (one vector each, in the same order). */
  input: string | string[];
  /** Shorter vectors, where the model supports it. */
  dimensions?: number;
  extraBody?: Record<string, unknown>;
}

export interface EmbeddingsResult {
  model: string;
  /** One vector per input, in input order. */
  embeddings: number[][];
  usage: { promptTokens: number; totalTokens: number };
}

export interface ImagesRequest {
  /** `provider/model`, e.g. `openai/gpt-image-1`. */
  model: string;
  prompt: string;
  /** How many images (default 1). */
  n?: number;
  /** e.g. `1024x1024`, as the model accepts. */
  size?: string;
  quality?: string;
  /** `b64_json` (the default of newer models) or `url`. */
  responseFormat?: 'b64_json' | 'url';
  extraBody?: Record<string, unknown>;
}

export interface GeneratedImage {
  /** The image, base64-encoded (when the model returns data). */
  b64Json?: string;
  /** Where to fetch the image (when the model returns links). */
  url?: string;
  /** The prompt the model actually used, when it rewrote it. */
  revisedPrompt?: string;
}

export interface ImagesResult {
  /** When the images were made. */
  created: Date;
  images: GeneratedImage[];
}

/** A model the caller may use through the gateway. */
export interface HubModel {
  /** `provider/model`: what to pass as `model`. */
  id: string;
  /** The hub provider that serves it. */
  provider: string;
  created: Date;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

export async function embeddings(
  transport: Transport,
  request: EmbeddingsRequest,
  options: CallOptions = {},
): Promise<EmbeddingsResult> {
  const { response, json } = await sendJson(
    transport,
    'POST',
    '/api/v1/embeddings',
    {
      ...request.extraBody,
      model: request.model,
      input: request.input,
      ...(request.dimensions !== undefined && { dimensions: request.dimensions }),
      // Plain numbers: base64 would save bytes but needs decoding here for no gain in a Node program.
      encoding_format: 'float',
    },
    options,
  );
  if (!isObject(json) || !Array.isArray(json.data))
    throw invalidResponse(response, 'embeddings without data');
  const rows = json.data.filter(isObject);
  const vectors = [...rows].sort((a, b) => Number(a.index) - Number(b.index)).map((row) => row.embedding);
  if (!vectors.every((v): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number'))) {
    throw invalidResponse(response, 'an embedding that is not a list of numbers');
  }
  const usage = isObject(json.usage) ? json.usage : {};
  return {
    model: typeof json.model === 'string' ? json.model : request.model,
    embeddings: vectors,
    usage: {
      promptTokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0,
      totalTokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : 0,
    },
  };
}

export async function images(
  transport: Transport,
  request: ImagesRequest,
  options: CallOptions = {},
): Promise<ImagesResult> {
  const { response, json } = await sendJson(
    transport,
    'POST',
    '/api/v1/images/generations',
    {
      ...request.extraBody,
      model: request.model,
      prompt: request.prompt,
      ...(request.n !== undefined && { n: request.n }),
      ...(request.size !== undefined && { size: request.size }),
      ...(request.quality !== undefined && { quality: request.quality }),
      ...(request.responseFormat !== undefined && { response_format: request.responseFormat }),
    },
    options,
  );
  if (!isObject(json) || !Array.isArray(json.data)) throw invalidResponse(response, 'images without data');
  return {
    created: new Date((typeof json.created === 'number' ? json.created : 0) * 1000),
    images: json.data.filter(isObject).map((image) => {
      const out: GeneratedImage = {};
      if (typeof image.b64_json === 'string') out.b64Json = image.b64_json;
      if (typeof image.url === 'string') out.url = image.url;
      if (typeof image.revised_prompt === 'string') out.revisedPrompt = image.revised_prompt;
      return out;
    }),
  };
}

export async function models(transport: Transport, options: CallOptions = {}): Promise<HubModel[]> {
  const { response, json } = await sendJson(transport, 'GET', '/api/v1/models', undefined, options);
  if (!isObject(json) || !Array.isArray(json.data))
    throw invalidResponse(response, 'a model list without data');
  return json.data.filter(isObject).map((model) => ({
    id: String(model.id),
    provider: String(model.owned_by),
    created: new Date((typeof model.created === 'number' ? model.created : 0) * 1000),
  }));
}
