/**
 * AWS Signature Version 4, server side: what an AWS service does with an incoming request, written from the
 * published algorithm so that the fake Bedrock checks the SDK's signature independently instead of trusting
 * it (sigv4.test.ts pins this code to AWS's own published example values).
 *
 *   canonical request = method \n canonical URI \n canonical query \n canonical headers \n
 *                       signed header names \n payload hash
 *   string to sign    = "AWS4-HMAC-SHA256" \n amz-date \n scope \n hex(sha256(canonical request))
 *   signing key       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** As sent, still percent-encoded, without the query. */
  path: string;
  /** Without `?`. */
  rawQuery: string;
  /** Lowercase names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SigningScope {
  date: string; // YYYYMMDD
  region: string;
  service: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, with uppercase hex. */
export function awsUriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Non-S3 services encode each path segment once more on top of the encoding the request already has. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  return rawPath
    .split('/')
    .map((segment) => awsUriEncode(segment))
    .join('/');
}

export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').map((part) => {
    const eq = part.indexOf('=');
    const key = decodeURIComponent((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq === -1 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    return [awsUriEncode(key), awsUriEncode(value)] as const;
  });
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function canonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const headerLines = signedHeaders.map((name) => {
    const raw = request.headers[name];
    const value = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).trim().replace(/\s+/g, ' ');
    return `${name}:${value}\n`;
  });
  const payloadHeader = request.headers['x-amz-content-sha256'];
  const payloadHash = typeof payloadHeader === 'string' ? payloadHeader : sha256Hex(request.body);
  return [
    request.method,
    canonicalUri(request.path),
    canonicalQuery(request.rawQuery),
    headerLines.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function signingKey(secretAccessKey: string, scope: SigningScope): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, scope.date);
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  return hmac(kService, 'aws4_request');
}

export function stringToSign(amzDate: string, scope: SigningScope, canonical: string): string {
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  return [ALGORITHM, amzDate, scopeText, sha256Hex(canonical)].join('\n');
}

export function signature(
  secretAccessKey: string,
  amzDate: string,
  scope: SigningScope,
  canonical: string,
): string {
  return createHmac('sha256', signingKey(secretAccessKey, scope))
    .update(stringToSign(amzDate, scope, canonical))
    .digest('hex');
}

/** The AWS error code and message a service answers an unauthenticated request with. */
export interface SigV4Failure {
  code:
    | 'MissingAuthenticationTokenException'
    | 'IncompleteSignatureException'
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException';
  message: string;
  /** The access key id the request named, when it named one. */
  accessKeyId: string | null;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;:-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies the request's SigV4 signature against `secrets` (access key id -> secret access key) for the
 * expected region and service. Returns null when it is valid, else the failure AWS would report.
 */
export function verifySigV4(
  request: SignedRequest,
  expected: { region: string; service: string; secrets: ReadonlyMap<string, string>; now: Date },
): SigV4Failure | null {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || authorization === '') {
    return {
      code: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
      accessKeyId: null,
    };
  }
  const match = AUTHORIZATION.exec(authorization);
  if (!match) {
    return {
      code: 'IncompleteSignatureException',
      message: 'Authorization header requires Credential, SignedHeaders and Signature parameters.',
      accessKeyId: null,
    };
  }
  const [, accessKeyId = '', date = '', region = '', service = '', signedList = '', given = ''] = match;
  const amzDate = request.headers['x-amz-date'];
  const signedHeaders = signedList.split(';');
  if (
    typeof amzDate !== 'string' ||
    !amzDate.startsWith(date) ||
    // HTTP/2 clients sign the `:authority` pseudo-header in place of `host` (the AWS SDK does).
    !(signedHeaders.includes('host') || signedHeaders.includes(':authority')) ||
    !signedHeaders.includes('x-amz-date')
  ) {
    return {
      code: 'IncompleteSignatureException',
      message: 'The request must sign host and x-amz-date, and x-amz-date must match the credential date.',
      accessKeyId: accessKeyId,
    };
  }
  const secret = expected.secrets.get(accessKeyId);
  if (secret === undefined) {
    return {
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      accessKeyId: accessKeyId,
    };
  }
  if (region !== expected.region || service !== expected.service) {
    return {
      code: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region and service (${expected.region}/${expected.service}).`,
      accessKeyId: accessKeyId,
    };
  }
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (!Number.isFinite(signedAt) || Math.abs(expected.now.getTime() - signedAt) > 15 * 60 * 1000) {
    return { code: 'InvalidSignatureException', message: 'Signature expired.', accessKeyId: accessKeyId };
  }
  const scope = { date, region, service };
  const computed = signature(secret, amzDate, scope, canonicalRequest(request, signedHeaders));
  if (!timingSafeEqual(Buffer.from(computed, 'hex'), Buffer.from(given, 'hex'))) {
    return {
      code: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      accessKeyId: accessKeyId,
    };
  }
  return null;
}
