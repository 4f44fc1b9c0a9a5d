/**
 * The typed Node client of an aigne-hub: its tRPC API typed from the server's router, the AI gateway helpers,
 * sign-in with a DID wallet and typed errors. See README.md.
 */
export { createHubClient, type HubClient, type HubClientOptions, type HubHealth } from './client';
export { signInWithWallet, type HubWallet, type SignInOptions, type SignInResult } from './wallet';
export type { HubApi, HubRouter, HubRouterInputs, HubRouterOutputs } from './api';
export type { CallOptions } from './http';
export type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  ChatResult,
  FinishReason,
  ToolCall,
  ToolDefinition,
  Usage,
  UserContentPart,
} from './chat';
export type { ChatDelta, ChatStream, ToolCallDelta } from './chat-stream';
export type {
  EmbeddingsRequest,
  EmbeddingsResult,
  GeneratedImage,
  HubModel,
  ImagesRequest,
  ImagesResult,
} from './gateway';
export {
  ForbiddenError,
  HubClientError,
  InsufficientCreditsError,
  RateLimitedError,
  UnauthorizedError,
  UpstreamError,
  type HubClientErrorOptions,
} from './errors';
