/**
 * What the forms need to know about each provider kind: its name, whether it needs a base URL or a region, and
 * which credential fields it takes. The hub's registry (apps/server providers/registry.ts) is the source; it is
 * not served by the API, so this is a copy that schemas.test.ts compares with it field by field.
 */
import type { ProviderKindName } from '../../../lib/schemas';

export interface ProviderKindInfo {
  kind: ProviderKindName;
  label: string;
  defaultBaseUrl: string | null;
  requiresBaseUrl: boolean;
  requiresRegion: boolean;
  credentialType: 'api_key' | 'access_key_pair';
  credentialOptional: boolean;
}

export const PROVIDER_KIND_INFO: readonly ProviderKindInfo[] = [
  {
    kind: 'openai',
    label: 'OpenAI',
    defaultBaseUrl: 'https://api.openai.com/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  {
    kind: 'anthropic',
    label: 'Anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  {
    kind: 'google',
    label: 'Google Gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  {
    kind: 'bedrock',
    label: 'Amazon Bedrock',
    defaultBaseUrl: null,
    requiresBaseUrl: false,
    requiresRegion: true,
    credentialType: 'access_key_pair',
    credentialOptional: false,
  },
  {
    kind: 'deepseek',
    label: 'DeepSeek',
    defaultBaseUrl: 'https://api.deepseek.com',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  {
    kind: 'xai',
    label: 'xAI',
    defaultBaseUrl: 'https://api.x.ai/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  {
    kind: 'openrouter',
    label: 'OpenRouter',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  {
    kind: 'ollama',
    label: 'Ollama',
    defaultBaseUrl: 'http://localhost:11434/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: true,
  },
  {
    kind: 'openai-compatible',
    label: 'OpenAI-compatible',
    defaultBaseUrl: null,
    requiresBaseUrl: true,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
];

export function kindInfo(kind: string): ProviderKindInfo | undefined {
  return PROVIDER_KIND_INFO.find((info) => info.kind === kind);
}
