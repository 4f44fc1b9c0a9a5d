// How the SDK adapters classify errors: unit cases with the error shapes the SDKs throw (the adapters'
// own tests cover the same paths end to end against the fakes).
import { describe, expect, it } from 'vitest';
import type { UpstreamErrorInfo } from '../../providers/wire/types';
import type { UpstreamTarget } from '../../providers/upstream';
import { abortFailure, failureOf, linkedAbort } from './sdk-failure';
import { controlledCall } from './sdk-testing';
import { UpstreamFailure } from './types';

const SECRET = 'sk-secret-0123456789abcdef';
const target: UpstreamTarget = {
  kind: 'anthropic',
  baseUrl: 'https://api.anthropic.com',
  region: null,
  secret: { type: 'api_key', apiKey: SECRET },
};
const answered = (info: Partial<UpstreamErrorInfo>) => () => ({
  status: null,
  message: 'x',
  rejected: false,
  ...info,
});

describe('failureOf', () => {
  it.each([
    [{ status: 401 }, 'auth'],
    [{ status: 400, rejected: true }, 'auth'],
    [{ status: 403 }, 'auth'],
    [{ status: 429, retryAfterSeconds: 9 }, 'rate_limited'],
    [{ status: 408 }, 'timeout'],
    [{ status: 500 }, 'server'],
    [{ status: 529 }, 'server'],
    [{ status: 424 }, 'server'],
    [{ status: 400 }, 'bad_request'],
    [{ status: 404 }, 'bad_request'],
    [{ status: 413 }, 'bad_request'],
    [{ status: 422 }, 'bad_request'],
  ] as const)('classifies an answer %o as %s', (info, kind) => {
    const failure = failureOf(new Error('x'), answered(info), controlledCall().call, target);
    expect(failure).toMatchObject({
      kind,
      status: info.status,
      retryAfterSeconds: 'retryAfterSeconds' in info ? 9 : null,
    });
  });

  it('classifies errors without an answer by what the socket or the SDK said', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    const reset = Object.assign(new TypeError('terminated'), {
      cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }),
    });
    const timedOut = Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' });
    const sdkTimer = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const odd = new Error('Incomplete JSON segment at the end');
    const kinds = [refused, reset, timedOut, sdkTimer, odd].map(
      (error) => failureOf(error, answered({ message: error.message }), controlledCall().call, target).kind,
    );
    expect(kinds).toEqual(['connection', 'connection', 'timeout', 'timeout', 'server']);
  });

  it('reads our own abort first: the deadline is a timeout, a client gone is aborted', () => {
    const deadline = controlledCall(250);
    deadline.expire();
    const client = controlledCall();
    client.cancel();
    const describe = answered({ status: 500 });
    expect(failureOf(new Error('x'), describe, deadline.call, target)).toMatchObject({
      kind: 'timeout',
      message: 'The provider did not answer within 250 ms',
    });
    expect(failureOf(new Error('x'), describe, client.call, target)).toMatchObject({ kind: 'aborted' });
    expect(abortFailure(client.call).kind).toBe('aborted');
  });

  it('keeps an UpstreamFailure as it is', () => {
    const failure = new UpstreamFailure('unsupported', 'no');
    expect(failureOf(failure, answered({ status: 500 }), controlledCall().call, target)).toBe(failure);
  });

  it('scrubs the secret and key-shaped strings from the message', () => {
    const failure = failureOf(
      new Error('x'),
      answered({ status: 401, message: `invalid x-api-key: ${SECRET.slice(0, 20)}...` }),
      controlledCall().call,
      target,
    );
    expect(failure.message.startsWith('401: invalid x-api-key: ')).toBe(true);
    expect(failure.message).not.toContain(SECRET.slice(0, 12));
    expect(failure.message).not.toContain(SECRET.slice(8, 20));
  });
});

describe('linkedAbort', () => {
  it('follows the call signal with its reason, aborts on its own, and stops following once disposed', () => {
    const parent = new AbortController();
    const followed = linkedAbort(parent.signal);
    const reason = new Error('gone');
    parent.abort(reason);
    expect(followed.controller.signal.reason).toBe(reason);

    const other = new AbortController();
    const own = linkedAbort(other.signal);
    own.controller.abort();
    expect(other.signal.aborted).toBe(false);

    const third = new AbortController();
    const disposed = linkedAbort(third.signal);
    disposed.dispose();
    third.abort();
    expect(disposed.controller.signal.aborted).toBe(false);
  });
});
