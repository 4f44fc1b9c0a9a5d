import type { ProviderKind } from '@aigne-hub/db';
import { providerSpec, type WireFormat } from '../../providers/registry';
import { anthropicAdapter } from './anthropic';
import { bedrockAdapter } from './bedrock';
import { geminiAdapter } from './gemini';
import { openaiAdapter } from './openai';
import type { GatewayAdapter } from './types';

const ADAPTERS: Readonly<Record<WireFormat, GatewayAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  bedrock: bedrockAdapter,
};

/** The adapter that speaks a provider kind's wire format. */
export function adapterFor(kind: ProviderKind): GatewayAdapter {
  return ADAPTERS[providerSpec(kind).wireFormat];
}
