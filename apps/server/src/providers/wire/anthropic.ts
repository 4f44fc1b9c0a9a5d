/** The Anthropic Messages API wire format, through the official `@anthropic-ai/sdk`. */
import type Anthropic from '@anthropic-ai/sdk';
import { PreconditionFailedError } from '@aigne-hub/core';
import type { UpstreamCall, UpstreamTarget } from '../upstream';
import { jsonErrorMessage, messageOf } from '../upstream-error';
import { describeStainlessError } from './stainless-errors';
import { SDK_TIMEOUT_MARGIN_MS, type UpstreamErrorInfo, type WireAdapter } from './types';

/**
 * A client for one call: `x-api-key` + `anthropic-version`, as the API documents. The key is always given
 * explicitly and `authToken` is null, so the SDK never looks for credentials of its own (environment
 * variables, profile files) and never sends a second one. No retries (see openai.ts).
 */
export async function anthropicClient(target: UpstreamTarget, call: UpstreamCall): Promise<Anthropic> {
  if (target.secret.type !== 'api_key') throw new PreconditionFailedError('Anthropic needs an API key');
  const { default: AnthropicClient } = await import('@anthropic-ai/sdk');
  return new AnthropicClient({
    apiKey: target.secret.apiKey,
    authToken: null,
    webhookKey: null,
    baseURL: target.baseUrl,
    timeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
    maxRetries: 0,
    logLevel: 'off',
    openTelemetry: false,
  });
}

/**
 * The HTTP status Anthropic documents for each error type. An `error` event in the middle of a stream arrives
 * after the 200, so the SDK's error carries no status; its type says what the status would have been.
 */
const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Like every Stainless SDK's errors, plus the status an in-stream `error` event stands for. */
export function describeAnthropicError(error: unknown): UpstreamErrorInfo {
  const info = describeStainlessError(error);
  if (info.status !== null) return info;
  const body = (error as { error?: { error?: { type?: unknown } } }).error;
  const type = body?.error?.type;
  const status = typeof type === 'string' ? STATUS_BY_ERROR_TYPE[type] : undefined;
  if (status === undefined) return info;
  return {
    status,
    message: jsonErrorMessage(body) ?? messageOf(error),
    rejected: status === 401 || status === 403,
  };
}

export const anthropicWire: WireAdapter = {
  format: 'anthropic',
  async listModels(target, call) {
    const client = await anthropicClient(target, call);
    const page = await client.models.list({ limit: 100 }, { signal: call.signal });
    return page.data.map((model) => model.id);
  },
  describeError: describeAnthropicError,
};
