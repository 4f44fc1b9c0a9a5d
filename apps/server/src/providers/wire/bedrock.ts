/**
 * Amazon Bedrock, through the official AWS SDK. The control plane (`bedrock.<region>.amazonaws.com`, client
 * `@aws-sdk/client-bedrock`) lists foundation models; the gateway adds the runtime (`bedrock-runtime.`) for
 * inference. Requests are signed with SigV4 from the credential's access key pair.
 */
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { PreconditionFailedError } from '@aigne-hub/core';
import type { UpstreamCall, UpstreamTarget } from '../upstream';
import { httpStatusOf, messageOf, networkErrorCode } from '../upstream-error';
import { SDK_TIMEOUT_MARGIN_MS, type UpstreamErrorInfo, type WireAdapter } from './types';

/**
 * A control-plane client for one call. Region, endpoint and credentials are all explicit, so the SDK never
 * consults its default credential chain (environment variables, ~/.aws, the instance metadata service): a
 * call is made as the credential the admin stored, or not at all. One attempt (see openai.ts).
 */
export async function bedrockControlClient(
  target: UpstreamTarget,
  call: UpstreamCall,
): Promise<BedrockClient> {
  if (target.secret.type !== 'access_key_pair') {
    throw new PreconditionFailedError('Bedrock needs an access key pair');
  }
  if (!target.region) throw new PreconditionFailedError('Bedrock needs a region');
  const { BedrockClient: Client } = await import('@aws-sdk/client-bedrock');
  return new Client({
    region: target.region,
    endpoint: target.baseUrl,
    credentials: {
      accessKeyId: target.secret.accessKeyId,
      secretAccessKey: target.secret.secretAccessKey,
    },
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
      connectionTimeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
    },
  });
}

/** AWS service exceptions: the HTTP status is in `$metadata`, the error code in `name`. */
export function describeBedrockError(error: unknown): UpstreamErrorInfo {
  const status = httpStatusOf(error);
  if (status === null) {
    const code = networkErrorCode(error);
    return { status, message: code ? `Connection failed (${code})` : messageOf(error), rejected: false };
  }
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return { status, message: `${name}${messageOf(error)}`, rejected: status === 401 || status === 403 };
}

export const bedrockWire: WireAdapter = {
  format: 'bedrock',
  async listModels(target, call) {
    const client = await bedrockControlClient(target, call);
    try {
      const { ListFoundationModelsCommand } = await import('@aws-sdk/client-bedrock');
      const answer = await client.send(new ListFoundationModelsCommand({}), { abortSignal: call.signal });
      return (answer.modelSummaries ?? []).flatMap((model) => (model.modelId ? [model.modelId] : []));
    } finally {
      client.destroy();
    }
  },
  describeError: describeBedrockError,
};
