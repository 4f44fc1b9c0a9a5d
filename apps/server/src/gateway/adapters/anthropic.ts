/**
 * The Anthropic Messages API behind the gateway's OpenAI shapes, through the official `@anthropic-ai/sdk`
 * (request translation in anthropic-request.ts, answers in anthropic-response.ts). Anthropic has no
 * embeddings or image generation API: those calls are `unsupported`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { anthropicClient, describeAnthropicError } from '../../providers/wire/anthropic';
import type { UpstreamCall, UpstreamTarget } from '../../providers/upstream';
import { anthropicRequest } from './anthropic-request';
import { AnthropicStreamTranslator, completionFromMessage } from './anthropic-response';
import { failureOf, linkedAbort, translatedStream, unsupported } from './sdk-failure';
import type { ChatStream, GatewayAdapter } from './types';

const fail = (error: unknown, call: UpstreamCall, target: UpstreamTarget) =>
  failureOf(error, describeAnthropicError, call, target);

export const anthropicAdapter: GatewayAdapter = {
  async chat(target, call, params) {
    const body = anthropicRequest(params);
    const client = await anthropicClient(target, call);
    try {
      const message = await client.messages.create({ ...body, stream: false }, { signal: call.signal });
      return completionFromMessage(message);
    } catch (error) {
      throw fail(error, call, target);
    }
  },

  async chatStream(target, call, params): Promise<ChatStream> {
    const body = anthropicRequest(params);
    const client = await anthropicClient(target, call);
    const abort = linkedAbort(call.signal);
    let stream: AsyncIterable<Anthropic.RawMessageStreamEvent>;
    try {
      // Resolves once Anthropic answered 200 (an error status throws here, before any chunk exists).
      stream = await client.messages.create({ ...body, stream: true }, { signal: abort.controller.signal });
    } catch (error) {
      abort.dispose();
      throw fail(error, call, target);
    }
    const translator = new AnthropicStreamTranslator(params.model);
    return {
      chunks: translatedStream(stream, translator, abort, call, (error) => fail(error, call, target)),
      usage: () => translator.usage(),
    };
  },

  embeddings() {
    return Promise.reject(unsupported('Anthropic has no embeddings API'));
  },

  images() {
    return Promise.reject(unsupported('Anthropic has no image generation API'));
  },
};
