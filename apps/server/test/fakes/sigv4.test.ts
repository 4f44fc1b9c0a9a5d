// The fake Bedrock's SigV4 check, pinned to the example values AWS publishes for the algorithm.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  signature,
  signingKey,
  stringToSign,
  verifySigV4,
  type SignedRequest,
} from './sigv4';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('SigV4 (AWS published examples)', () => {
  it('derives the documented signing key (20150830 / us-east-1 / iam)', () => {
    expect(
      signingKey(SECRET, { date: '20150830', region: 'us-east-1', service: 'iam' }).toString('hex'),
    ).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  // The "get-vanilla" case of the AWS SigV4 test suite.
  const vanilla: SignedRequest = {
    method: 'GET',
    path: '/',
    rawQuery: '',
    headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
    body: Buffer.alloc(0),
  };
  const scope = { date: '20150830', region: 'us-east-1', service: 'service' };

  it('builds the canonical request and string to sign of get-vanilla', () => {
    const canonical = canonicalRequest(vanilla, ['host', 'x-amz-date']);
    expect(canonical).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' +
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(stringToSign('20150830T123600Z', scope, canonical)).toBe(
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n' +
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
    expect(signature(SECRET, '20150830T123600Z', scope, canonical)).toBe(
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('sorts and encodes the query', () => {
    expect(canonicalQuery('b=2&a=%20x&a=1&c')).toBe('a=%20x&a=1&b=2&c=');
  });

  const signed = (authorization: string, date = '20150830T123600Z'): SignedRequest => ({
    ...vanilla,
    headers: { ...vanilla.headers, 'x-amz-date': date, authorization },
  });
  const good =
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
    'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
  const expected = {
    region: 'us-east-1',
    service: 'service',
    secrets: new Map([['AKIDEXAMPLE', SECRET]]),
    now: new Date('2015-08-30T12:40:00Z'),
  };

  it('accepts the published signature and refuses every kind of wrong one', () => {
    expect(verifySigV4(signed(good), expected)).toBeNull();
    expect(verifySigV4(signed(good.replace('5fa00fa3', '5fa00fa4')), expected)?.code).toBe(
      'InvalidSignatureException',
    );
    expect(verifySigV4(signed(good.replace('AKIDEXAMPLE', 'AKIDOTHER')), expected)?.code).toBe(
      'UnrecognizedClientException',
    );
    expect(verifySigV4(signed(good), { ...expected, region: 'eu-west-1' })?.code).toBe(
      'InvalidSignatureException',
    );
    expect(verifySigV4(signed(good), { ...expected, now: new Date('2015-08-30T13:00:00Z') })?.message).toBe(
      'Signature expired.',
    );
    expect(verifySigV4({ ...vanilla }, expected)?.code).toBe('MissingAuthenticationTokenException');
    expect(verifySigV4(signed('AWS4-HMAC-SHA256 nonsense'), expected)?.code).toBe(
      'IncompleteSignatureException',
    );
  });
});
