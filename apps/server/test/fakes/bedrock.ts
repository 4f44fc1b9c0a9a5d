/**
 * A fake Amazon Bedrock control plane: `GET /foundation-models` (ListFoundationModels), every request's
 * SigV4 signature verified against the access key pairs it knows (sigv4.ts), errors in AWS's restJson1 form
 * (`x-amzn-ErrorType` header + `{ message }` body).
 */
import { FakeUpstream, header, type FakeReply, type FakeRequest } from './fake-upstream';
import { verifySigV4 } from './sigv4';

export interface FakeBedrockOptions {
  region: string;
  /** Access key id -> secret access key. */
  keyPairs: ReadonlyMap<string, string>;
  models?: readonly string[];
}

const ERROR_CODES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export class FakeBedrock extends FakeUpstream {
  private constructor(readonly options: FakeBedrockOptions) {
    super();
    const models = options.models ?? [
      'anthropic.claude-3-haiku-20240307-v1:0',
      'amazon.titan-embed-text-v2:0',
    ];
    this.route('GET', '/foundation-models', (request) => {
      return (
        this.authenticate(request) ?? {
          status: 200,
          body: {
            modelSummaries: models.map((modelId) => ({
              modelArn: `arn:aws:bedrock:${options.region}::foundation-model/${modelId}`,
              modelId,
              modelName: modelId,
              providerName: modelId.split('.')[0],
              inputModalities: ['TEXT'],
              outputModalities: ['TEXT'],
              responseStreamingSupported: true,
              customizationsSupported: [],
              inferenceTypesSupported: ['ON_DEMAND'],
              modelLifecycle: { status: 'ACTIVE' },
            })),
          },
        }
      );
    });
  }

  static async start(options: FakeBedrockOptions): Promise<FakeBedrock> {
    const fake = new FakeBedrock(options);
    await fake.listen();
    return fake;
  }

  /** The endpoint a provider should be configured with (in place of bedrock.<region>.amazonaws.com). */
  get baseUrl(): string {
    return this.origin;
  }

  /** Null when the SigV4 signature is valid for one of the known key pairs; else AWS's 403. */
  authenticate(request: FakeRequest): FakeReply | null {
    const failure = verifySigV4(request, {
      region: this.options.region,
      service: 'bedrock',
      secrets: this.options.keyPairs,
      now: new Date(),
    });
    if (!failure) return null;
    // AWS names the key it did not recognise; redaction on the hub's side must cope.
    const named = failure.accessKeyId ? ` (access key ${failure.accessKeyId})` : '';
    return awsError(403, failure.code, `${failure.message}${named}`);
  }

  protected errorReply(status: number, message: string): FakeReply {
    return awsError(
      status,
      ERROR_CODES[status] ?? 'UnknownError',
      status >= 500 ? 'Internal server error' : message,
    );
  }
}

function awsError(status: number, code: string, message: string): FakeReply {
  return {
    status,
    headers: {
      'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
      'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
    },
    body: { message },
  };
}

/** Whether a request was signed (for tests asserting the SDK signed what they expect). */
export function signedWith(request: FakeRequest, accessKeyId: string): boolean {
  return (header(request.headers, 'authorization') ?? '').includes(`Credential=${accessKeyId}/`);
}
