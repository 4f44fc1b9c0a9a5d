import type { WireFormat } from '../registry';
import { anthropicWire } from './anthropic';
import { bedrockWire } from './bedrock';
import { geminiWire } from './gemini';
import { openaiWire } from './openai';
import type { WireAdapter } from './types';

export type { UpstreamErrorInfo, WireAdapter } from './types';
export { openaiClient } from './openai';
export { anthropicClient } from './anthropic';
export { geminiClient, GEMINI_API_VERSION } from './gemini';
export { bedrockControlClient, bedrockRuntimeClient, bedrockRuntimeEndpoint } from './bedrock';

const ADAPTERS: Readonly<Record<WireFormat, WireAdapter>> = {
  openai: openaiWire,
  anthropic: anthropicWire,
  gemini: geminiWire,
  bedrock: bedrockWire,
};

export function wireAdapter(format: WireFormat): WireAdapter {
  return ADAPTERS[format];
}
