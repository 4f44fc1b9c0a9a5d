/**
 * The Gemini API (generativelanguage.googleapis.com) behind the gateway's OpenAI shapes, through the
 * official `@google/genai` (request translation in gemini-request.ts, answers in gemini-response.ts,
 * embeddings and images in gemini-media.ts).
 */
import type { GenerateContentResponse } from '@google/genai';
import { describeGeminiError, geminiClient } from '../../providers/wire/gemini';
import type { UpstreamCall, UpstreamTarget } from '../../providers/upstream';
import { geminiEmbeddings, geminiImages } from './gemini-media';
import { geminiRequest } from './gemini-request';
import { completionFromGemini, GeminiStreamTranslator } from './gemini-response';
import { abortFailure, failureOf, linkedAbort } from './sdk-failure';
import { UpstreamFailure, type ChatCompletionChunk, type ChatStream, type GatewayAdapter } from './types';

const fail = (error: unknown, call: UpstreamCall, target: UpstreamTarget) =>
  failureOf(error, describeGeminiError, call, target);

async function* streamChunks(
  stream: AsyncIterable<GenerateContentResponse>,
  translator: GeminiStreamTranslator,
  abort: ReturnType<typeof linkedAbort>,
  call: UpstreamCall,
  target: UpstreamTarget,
): AsyncGenerator<ChatCompletionChunk> {
  try {
    for await (const response of stream) yield* translator.translate(response);
    if (call.signal.aborted) throw abortFailure(call);
    if (!translator.complete)
      throw new UpstreamFailure('server', 'The provider ended the stream before the answer was complete');
  } catch (error) {
    throw fail(error, call, target);
  } finally {
    // The SDK only releases its reader when iteration stops: abort, so the connection is really closed.
    if (!translator.complete) abort.controller.abort(new Error('The stream was abandoned'));
    abort.dispose();
  }
}

export const geminiAdapter: GatewayAdapter = {
  async chat(target, call, params) {
    const request = geminiRequest(params);
    const client = await geminiClient(target, call);
    try {
      const response = await client.models.generateContent({
        ...request,
        config: { ...request.config, abortSignal: call.signal },
      });
      return completionFromGemini(response, params.model);
    } catch (error) {
      throw fail(error, call, target);
    }
  },

  async chatStream(target, call, params): Promise<ChatStream> {
    const request = geminiRequest(params);
    const client = await geminiClient(target, call);
    const abort = linkedAbort(call.signal);
    let stream: AsyncIterable<GenerateContentResponse>;
    try {
      // Resolves once Gemini answered 200 (an error status throws here, before any chunk exists).
      stream = await client.models.generateContentStream({
        ...request,
        config: {
          ...request.config,
          abortSignal: abort.controller.signal,
          // The SDK's timeout would bound the WHOLE stream (and ask Google's server to stop at it, through
          // X-Server-Timeout); a long answer that keeps flowing must not be cut. The call's signal, which
          // the gateway re-arms at every chunk, bounds silence instead.
          httpOptions: { timeout: 0 },
        },
      });
    } catch (error) {
      abort.dispose();
      throw fail(error, call, target);
    }
    const translator = new GeminiStreamTranslator(params.model);
    return { chunks: streamChunks(stream, translator, abort, call, target), usage: () => translator.usage() };
  },

  embeddings: geminiEmbeddings,
  images: geminiImages,
};
