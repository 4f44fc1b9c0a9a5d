/**
 * The OpenAI wire format, used by OpenAI itself and by every OpenAI-compatible kind (DeepSeek, xAI,
 * OpenRouter, Ollama, custom endpoints), through the official `openai` SDK.
 */
import type OpenAI from 'openai';
import type { UpstreamCall, UpstreamTarget } from '../upstream';
import { describeStainlessError } from './stainless-errors';
import { SDK_TIMEOUT_MARGIN_MS, type WireAdapter } from './types';

/**
 * A client for one call. Every option the SDK would otherwise read from the environment (OPENAI_API_KEY,
 * OPENAI_BASE_URL, OPENAI_ORG_ID...) is given explicitly, so the server's environment can never add a key,
 * an organisation or a destination to a call. Retries are off: the gateway does its own failover across
 * credentials, and a connection test must be one request.
 */
export async function openaiClient(target: UpstreamTarget, call: UpstreamCall): Promise<OpenAI> {
  // Loaded on first use: the hub's start-up and the CLI do not pay for SDKs no provider needs.
  const { default: OpenAIClient } = await import('openai');
  const keyless = target.secret.type !== 'api_key';
  return new OpenAIClient({
    // A keyless Ollama: the SDK insists on a key, so give it a placeholder and strip the header it makes.
    apiKey: target.secret.type === 'api_key' ? target.secret.apiKey : 'keyless',
    ...(keyless && { defaultHeaders: { Authorization: null } }),
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: target.baseUrl,
    timeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
    maxRetries: 0,
    logLevel: 'off',
  });
}

export const openaiWire: WireAdapter = {
  format: 'openai',
  async listModels(target, call) {
    const client = await openaiClient(target, call);
    const page = await client.models.list({ signal: call.signal });
    return page.data.map((model) => model.id);
  },
  describeError: describeStainlessError,
};
