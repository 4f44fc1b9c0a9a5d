/**
 * What the hub knows about each kind of upstream provider: how to name it, where it lives by default, which
 * credential it takes and which wire format it speaks. Routers validate providers and credentials against
 * this table; the AI gateway picks its request/response translation by `wireFormat`. Adding a kind is one
 * entry here (plus the kind in the db's PROVIDER_KINDS), not a schema change.
 */
import { PROVIDER_KINDS, type CredentialType, type Provider, type ProviderKind } from '@aigne-hub/db';

/** The four protocols the hub speaks upstream; every kind is one of them. */
export const WIRE_FORMATS = ['openai', 'anthropic', 'gemini', 'bedrock'] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

/** The credential types a provider kind can take (the db also knows `custom`, which no kind uses yet). */
export type ProviderCredentialType = Extract<CredentialType, 'api_key' | 'access_key_pair'>;

export interface ProviderSpec {
  kind: ProviderKind;
  /** Human name, also the default display name of a new provider. */
  label: string;
  wireFormat: WireFormat;
  /**
   * Where the API lives when the provider sets no base URL. Null when there is no single answer: Bedrock is
   * per region, an OpenAI-compatible endpoint is whatever the admin says.
   */
  defaultBaseUrl: string | null;
  /** The provider cannot work without its own base URL (there is no default to fall back on). */
  requiresBaseUrl: boolean;
  /** The provider needs an AWS-style region (Bedrock); for every other kind a region is refused. */
  requiresRegion: boolean;
  credentialType: ProviderCredentialType;
  /**
   * Whether calls may go out with no credential at all. Only a local Ollama: it has no keys, but one placed
   * behind an authenticating proxy may still be given one.
   */
  credentialOptional: boolean;
}

const SPECS: Readonly<Record<ProviderKind, ProviderSpec>> = {
  openai: {
    kind: 'openai',
    label: 'OpenAI',
    wireFormat: 'openai',
    defaultBaseUrl: 'https://api.openai.com/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  anthropic: {
    kind: 'anthropic',
    label: 'Anthropic',
    wireFormat: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  google: {
    kind: 'google',
    label: 'Google Gemini',
    wireFormat: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  bedrock: {
    kind: 'bedrock',
    label: 'Amazon Bedrock',
    wireFormat: 'bedrock',
    defaultBaseUrl: null,
    requiresBaseUrl: false,
    requiresRegion: true,
    credentialType: 'access_key_pair',
    credentialOptional: false,
  },
  deepseek: {
    kind: 'deepseek',
    label: 'DeepSeek',
    wireFormat: 'openai',
    defaultBaseUrl: 'https://api.deepseek.com',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  xai: {
    kind: 'xai',
    label: 'xAI',
    wireFormat: 'openai',
    defaultBaseUrl: 'https://api.x.ai/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  openrouter: {
    kind: 'openrouter',
    label: 'OpenRouter',
    wireFormat: 'openai',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
  ollama: {
    kind: 'ollama',
    label: 'Ollama',
    wireFormat: 'openai',
    defaultBaseUrl: 'http://localhost:11434/v1',
    requiresBaseUrl: false,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: true,
  },
  'openai-compatible': {
    kind: 'openai-compatible',
    label: 'OpenAI-compatible',
    wireFormat: 'openai',
    defaultBaseUrl: null,
    requiresBaseUrl: true,
    requiresRegion: false,
    credentialType: 'api_key',
    credentialOptional: false,
  },
};

export { PROVIDER_KINDS };
export type { ProviderKind };

export function providerSpec(kind: ProviderKind): ProviderSpec {
  return SPECS[kind];
}

/** Every spec, in the order of PROVIDER_KINDS (for a "choose a provider" list). */
export function providerSpecs(): ProviderSpec[] {
  return PROVIDER_KINDS.map((kind) => SPECS[kind]);
}

/** Bedrock's control-plane endpoint for a region (the runtime endpoint is `bedrock-runtime.` instead). */
export function bedrockEndpoint(region: string): string {
  return `https://bedrock.${region}.amazonaws.com`;
}

/**
 * The base URL calls to this provider go to: its own when set, else the kind's default (Bedrock: the region's
 * endpoint). Throws when there is none, which validation on create/update makes impossible for stored rows.
 */
export function effectiveBaseUrl(provider: Pick<Provider, 'kind' | 'baseUrl' | 'region'>): string {
  if (provider.baseUrl) return provider.baseUrl;
  const spec = providerSpec(provider.kind);
  if (spec.defaultBaseUrl) return spec.defaultBaseUrl;
  if (spec.requiresRegion && provider.region) return bedrockEndpoint(provider.region);
  throw new Error(`${spec.label} providers need a base URL`);
}
