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
import { failureOf, linkedAbort, translatedStream } from './sdk-failure';
import type { ChatStream, GatewayAdapter } from './types';

const fail = (error: unknown, call: UpstreamCall, target: UpstreamTarget) =>
  failureOf(error, describeGeminiError, call, target);

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
    return {
      chunks: translatedStream(stream, translator, abort, call, (error) => fail(error, call, target)),
      usage: () => translator.usage(),
    };
  },

  embeddings: geminiEmbeddings,
  images: geminiImages,
};
