/**
 * Amazon Bedrock behind the gateway's OpenAI shapes, through the official AWS SDK runtime client: chat via
 * Converse / ConverseStream (bedrock-request.ts, bedrock-response.ts), embeddings and images via InvokeModel
 * for the model families whose formats translate faithfully (bedrock-invoke.ts). Every request is signed with
 * SigV4 from the credential's access key pair (see providers/wire/bedrock.ts for the locked-down client).
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { bedrockRuntimeClient, describeBedrockError } from '../../providers/wire/bedrock';
import type { UpstreamCall, UpstreamTarget } from '../../providers/upstream';
import { bedrockEmbeddings, bedrockImages } from './bedrock-invoke';
import { converseInput } from './bedrock-request';
import { BedrockStreamTranslator, completionFromConverse } from './bedrock-response';
import { failureOf, linkedAbort, translatedStream } from './sdk-failure';
import { UpstreamFailure, type ChatStream, type GatewayAdapter } from './types';

const fail = (error: unknown, call: UpstreamCall, target: UpstreamTarget) =>
  failureOf(error, describeBedrockError, call, target);

export const bedrockAdapter: GatewayAdapter = {
  async chat(target, call, params) {
    const input = converseInput(params);
    const client = await bedrockRuntimeClient(target, call);
    try {
      const { ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
      const output = await client.send(new ConverseCommand(input), { abortSignal: call.signal });
      return completionFromConverse(output, params.model);
    } catch (error) {
      throw fail(error, call, target);
    } finally {
      client.destroy();
    }
  },

  async chatStream(target, call, params): Promise<ChatStream> {
    const input = converseInput(params);
    const client = await bedrockRuntimeClient(target, call);
    const abort = linkedAbort(call.signal);
    let stream: AsyncIterable<ConverseStreamOutput>;
    let requestId: string | undefined;
    try {
      const { ConverseStreamCommand } = await import('@aws-sdk/client-bedrock-runtime');
      // Resolves once Bedrock answered 200 (an error status throws here, before any chunk exists).
      const output = await client.send(new ConverseStreamCommand(input), {
        abortSignal: abort.controller.signal,
      });
      if (!output.stream)
        throw new UpstreamFailure('server', 'The provider answered without an event stream');
      stream = output.stream;
      requestId = output.$metadata.requestId;
    } catch (error) {
      abort.dispose();
      client.destroy();
      throw fail(error, call, target);
    }
    const translator = new BedrockStreamTranslator(requestId, params.model);
    return {
      chunks: translatedStream(
        stream,
        translator,
        abort,
        call,
        (error) => fail(error, call, target),
        () => client.destroy(),
      ),
      usage: () => translator.usage(),
    };
  },

  embeddings: bedrockEmbeddings,
  images: bedrockImages,
};
