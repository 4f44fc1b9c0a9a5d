/**
 * Amazon Bedrock, through the official AWS SDK. The control plane (`bedrock.<region>.amazonaws.com`, client
 * `@aws-sdk/client-bedrock`) lists foundation models; the runtime (`bedrock-runtime.<region>.amazonaws.com`,
 * client `@aws-sdk/client-bedrock-runtime`) runs inference. Requests are signed with SigV4 from the
 * credential's access key pair.
 */
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { PreconditionFailedError } from '@aigne-hub/core';
import type { UpstreamCall, UpstreamTarget } from '../upstream';
import { httpStatusOf, messageOf, networkErrorCode } from '../upstream-error';
import { parseRetryAfter } from './retry-after';
import { SDK_TIMEOUT_MARGIN_MS, type UpstreamErrorInfo, type WireAdapter } from './types';

/**
 * What both clients are given so that nothing comes from the server's environment or ~/.aws: region,
 * endpoint and credentials explicit (the SDK never consults its default credential chain or the instance
 * metadata service); SigV4 only, because both clients would otherwise switch to a bearer token found in
 * AWS_BEARER_TOKEN_BEDROCK and send it instead of the stored credential; FIPS/dual-stack off, because
 * AWS_USE_FIPS_ENDPOINT would make the SDK refuse any explicit endpoint. One attempt (see openai.ts).
 */
function lockedDownConfig(target: UpstreamTarget, endpoint: string) {
  if (target.secret.type !== 'access_key_pair') {
    throw new PreconditionFailedError('Bedrock needs an access key pair');
  }
  if (!target.region) throw new PreconditionFailedError('Bedrock needs a region');
  return {
    region: target.region,
    endpoint,
    credentials: {
      accessKeyId: target.secret.accessKeyId,
      secretAccessKey: target.secret.secretAccessKey,
    },
    authSchemePreference: ['sigv4'],
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: 1,
  };
}

/** A control-plane client for one call. */
export async function bedrockControlClient(
  target: UpstreamTarget,
  call: UpstreamCall,
): Promise<BedrockClient> {
  const config = lockedDownConfig(target, target.baseUrl);
  const { BedrockClient: Client } = await import('@aws-sdk/client-bedrock');
  return new Client({
    ...config,
    requestHandler: {
      requestTimeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
      connectionTimeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
    },
  });
}

/**
 * Where the runtime lives, given the provider's (control-plane) base URL: AWS's own `bedrock[-fips].<region>`
 * host becomes `bedrock-runtime[-fips].<region>`; any other URL (a proxy, a VPC endpoint, a test server) is
 * taken to serve both APIs and used as it is.
 */
export function bedrockRuntimeEndpoint(baseUrl: string): string {
  const url = new URL(baseUrl);
  const aws = /^bedrock(-fips)?\.([a-z0-9-]+\.amazonaws\.com(?:\.cn)?)$/i.exec(url.hostname);
  if (aws) url.hostname = `bedrock-runtime${aws[1] ?? ''}.${aws[2]}`;
  return url.toString().replace(/\/$/, '');
}

/**
 * A runtime (inference) client for one call. The SDK's default transport for this client is HTTP/2 (with an
 * isolated session per request), which is what AWS ships and tests; the call's signal tears the session down.
 */
export async function bedrockRuntimeClient(
  target: UpstreamTarget,
  call: UpstreamCall,
): Promise<BedrockRuntimeClient> {
  const config = lockedDownConfig(target, bedrockRuntimeEndpoint(target.baseUrl));
  const { BedrockRuntimeClient: Client } = await import('@aws-sdk/client-bedrock-runtime');
  return new Client({
    ...config,
    requestHandler: {
      requestTimeout: call.timeoutMs + SDK_TIMEOUT_MARGIN_MS,
      disableConcurrentStreams: true,
    },
  });
}

/**
 * The status each Bedrock exception stands for. Exceptions inside a ConverseStream event stream arrive after
 * the 200 and carry no status of their own; their name says what the status would have been.
 */
const STATUS_BY_EXCEPTION: Readonly<Record<string, number>> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ModelStreamErrorException: 424,
  ServiceUnavailableException: 503,
};

/** AWS service exceptions: the HTTP status is in `$metadata`, the error code in `name`. */
export function describeBedrockError(error: unknown): UpstreamErrorInfo {
  const name = error instanceof Error && error.name !== 'Error' ? error.name : null;
  const status = httpStatusOf(error) ?? (name ? (STATUS_BY_EXCEPTION[name] ?? null) : null);
  if (status === null) {
    const code = networkErrorCode(error);
    return { status, message: code ? `Connection failed (${code})` : messageOf(error), rejected: false };
  }
  const headers = (error as { $response?: { headers?: Record<string, string | undefined> } }).$response
    ?.headers;
  return {
    status,
    message: `${name ? `${name}: ` : ''}${messageOf(error)}`,
    rejected: status === 401 || status === 403,
    retryAfterSeconds: parseRetryAfter(headers?.['retry-after'] ?? headers?.['Retry-After']),
  };
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
