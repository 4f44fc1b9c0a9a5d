/** The Anthropic Messages API wire format, through the official `@anthropic-ai/sdk`. */
import type Anthropic from '@anthropic-ai/sdk';
import { PreconditionFailedError } from '@aigne-hub/core';
import type { UpstreamCall, UpstreamTarget } from '../upstream';
import { describeStainlessError } from './stainless-errors';
import { SDK_TIMEOUT_MARGIN_MS, type WireAdapter } from './types';

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

export const anthropicWire: WireAdapter = {
  format: 'anthropic',
  async listModels(target, call) {
    const client = await anthropicClient(target, call);
    const page = await client.models.list({ limit: 100 }, { signal: call.signal });
    return page.data.map((model) => model.id);
  },
  describeError: describeStainlessError,
};
