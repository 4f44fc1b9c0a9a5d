/** The Gemini API wire format (generativelanguage.googleapis.com), through the official `@google/genai`. */
import type { GoogleGenAI } from '@google/genai';
import { PreconditionFailedError } from '@aigne-hub/core';
import type { UpstreamCall, UpstreamTarget } from '../upstream';
import { httpStatusOf, jsonErrorMessage, messageOf, networkErrorCode } from '../upstream-error';
import { parseDuration } from './retry-after';
import { SDK_TIMEOUT_MARGIN_MS, type UpstreamErrorInfo, type WireAdapter } from './types';

/** The Gemini API version the hub speaks (the SDK's default, pinned so an SDK update cannot move it). */
export const GEMINI_API_VERSION = 'v1beta';

/**
 * A client for one call, sending the key as `x-goog-api-key`. `vertexai: false` is explicit so that
 * GOOGLE_GENAI_USE_VERTEXAI in the server's environment cannot redirect the call to Vertex AI with ambient
 * Google Cloud credentials; retries are off (see openai.ts).
 */
export async function geminiClient(target: UpstreamTarget, call: UpstreamCall): Promise<GoogleGenAI> {
  if (target.secret.type !== 'api_key') throw new PreconditionFailedError('Gemini needs an API key');
  const { GoogleGenAI: GeminiClient } = await import('@google/genai');
  return new GeminiClient({
    apiKey: target.secret.apiKey,
    vertexai: false,
    apiVersion: GEMINI_API_VERSION,
    httpOptions: {
      baseUrl: target.baseUrl,
      apiVersion: GEMINI_API_VERSION,
      timeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
      retryOptions: { attempts: 1 },
    },
  });
}

/**
 * `@google/genai` throws `ApiError` whose message is the JSON error body (prefixed with `got status: ...` when
 * the error arrived inside a stream). Google answers a bad key with 400 INVALID_ARGUMENT (reason
 * API_KEY_INVALID), not 401, so that reason counts as a rejection too. A 429 says how long to wait in a
 * google.rpc.RetryInfo detail rather than a header.
 */
export function describeGeminiError(error: unknown): UpstreamErrorInfo {
  const status = httpStatusOf(error);
  const raw = messageOf(error);
  if (status === null) {
    const code = networkErrorCode(error);
    return { status, message: code ? `Connection failed (${code})` : raw, rejected: false };
  }
  const rejected = status === 401 || status === 403 || (status === 400 && raw.includes('API_KEY_INVALID'));
  const body = googleErrorBody(raw);
  return {
    status,
    message: jsonErrorMessage(body) ?? raw,
    rejected,
    retryAfterSeconds: retryDelayOf(body),
  };
}

/** The JSON error body inside an `ApiError` message, or null when there is none. */
function googleErrorBody(message: string): unknown {
  const start = message.indexOf('{');
  if (start === -1) return null;
  try {
    return JSON.parse(message.slice(start)) as unknown;
  } catch {
    return null;
  }
}

function retryDelayOf(body: unknown): number | null {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return null;
  for (const detail of details as { '@type'?: unknown; retryDelay?: unknown }[]) {
    if (detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo')
      return parseDuration(detail.retryDelay);
  }
  return null;
}

export const geminiWire: WireAdapter = {
  format: 'gemini',
  async listModels(target, call) {
    const client = await geminiClient(target, call);
    const pager = await client.models.list({ config: { pageSize: 100, abortSignal: call.signal } });
    return pager.page.flatMap((model) => (model.name ? [model.name.replace(/^models\//, '')] : []));
  },
  describeError: describeGeminiError,
};
