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
import { abortFailure, failureOf, linkedAbort, unsupported } from './sdk-failure';
import { UpstreamFailure, type ChatCompletionChunk, type ChatStream, type GatewayAdapter } from './types';

const fail = (error: unknown, call: UpstreamCall, target: UpstreamTarget) =>
  failureOf(error, describeAnthropicError, call, target);

async function* streamChunks(
  stream: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  translator: AnthropicStreamTranslator,
  abort: ReturnType<typeof linkedAbort>,
  call: UpstreamCall,
  target: UpstreamTarget,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    for await (const event of stream) yield* translator.translate(event);
    // The SDK ends the iteration quietly when the request is aborted: say why it ended.
    if (call.signal.aborted) throw abortFailure(call);
    if (!translator.complete)
      throw new UpstreamFailure('server', 'The provider ended the stream before the answer was complete');
  } catch (error) {
    throw fail(error, call, target);
  } finally {
    // Also when the consumer stopped early: the upstream request must not run on.
    if (!translator.complete) abort.controller.abort(new Error('The stream was abandoned'));
    abort.dispose();
  }
}

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
    return { chunks: streamChunks(stream, translator, abort, call, target), usage: () => translator.usage() };
  },

  embeddings() {
    return Promise.reject(unsupported('Anthropic has no embeddings API'));
  },

  images() {
    return Promise.reject(unsupported('Anthropic has no image generation API'));
  },
};
