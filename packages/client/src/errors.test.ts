import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import {
  errorForStatus,
  ForbiddenError,
  gatewayError,
  HubClientError,
  InsufficientCreditsError,
  parseRetryAfter,
  RateLimitedError,
  streamError,
  trpcError,
  UnauthorizedError,
  UpstreamError,
} from './errors';

describe('errorForStatus', () => {
  it.each([
    [401, UnauthorizedError],
    [402, InsufficientCreditsError],
    [403, ForbiddenError],
    [429, RateLimitedError],
    [502, UpstreamError],
    [504, UpstreamError],
  ])('maps %i to %o', (status, type) => {
    const error = errorForStatus(status, 'nope', { code: 'x' });
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(HubClientError);
    expect(error).toMatchObject({ status, code: 'x', message: 'nope', name: type.name });
  });

  it('keeps other statuses as a plain HubClientError with an http_ code by default', () => {
    const error = errorForStatus(404, 'gone');
    expect(error.constructor).toBe(HubClientError);
    expect(error).toMatchObject({ status: 404, code: 'http_404' });
  });

  it('tells a timeout from other upstream failures', () => {
    expect((errorForStatus(504, 'slow') as UpstreamError).timedOut).toBe(true);
    expect((errorForStatus(502, 'down') as UpstreamError).timedOut).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('20', now)).toBe(20);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('returns null for nothing or nonsense', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('gatewayError', () => {
  const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
    new Response(body, { status, headers });

  it('reads OpenAI-shaped errors, the request id and Retry-After', () => {
    const error = gatewayError(
      answer(429, '', { 'retry-after': '42', 'x-request-id': 'req-1' }),
      JSON.stringify({ error: { message: 'Slow down', type: 'rate_limit_error', code: 'rate_limited' } }),
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({
      message: 'Slow down',
      code: 'rate_limited',
      requestId: 'req-1',
      retryAfter: 42,
    });
  });

  it('uses the type when there is no code, and the status when the body is not JSON', () => {
    expect(
      gatewayError(answer(403, ''), JSON.stringify({ error: { message: 'No', type: 'permission_error' } })),
    ).toMatchObject({ name: 'ForbiddenError', code: 'permission_error' });
    const html = gatewayError(answer(502, '', {}), '<html>Bad Gateway</html>');
    expect(html).toBeInstanceOf(UpstreamError);
    expect(html).toMatchObject({ status: 502, code: 'http_502', message: 'The hub answered 502' });
  });
});

describe('streamError', () => {
  it.each([
    ['authentication_error', 401, UnauthorizedError],
    ['insufficient_quota', 402, InsufficientCreditsError],
    ['permission_error', 403, ForbiddenError],
    ['rate_limit_error', 429, RateLimitedError],
    ['upstream_error', 502, UpstreamError],
    ['timeout_error', 504, UpstreamError],
    ['invalid_request_error', 400, HubClientError],
    ['something_new', 500, HubClientError],
  ])('maps type %s to %i', (type, status, kind) => {
    const error = streamError({ error: { message: 'm', type, code: 'c' } }, 'req-9');
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ status, code: 'c', requestId: 'req-9', message: 'm' });
  });
});

describe('trpcError', () => {
  /** A TRPCClientError as the client builds it from the hub's error response. */
  const fromHub = (code: string, httpStatus: number, headers: Record<string, string> = {}) =>
    TRPCClientError.from(
      {
        error: {
          message: `${code} happened`,
          code: -32000,
          data: { code, httpStatus, path: 'me.get', requestId: 'req-3' },
        },
      },
      { meta: { response: new Response(null, { status: httpStatus, headers }) } },
    );

  it.each([
    ['UNAUTHORIZED', 401, UnauthorizedError],
    ['PAYMENT_REQUIRED', 402, InsufficientCreditsError],
    ['FORBIDDEN', 403, ForbiddenError],
    ['TOO_MANY_REQUESTS', 429, RateLimitedError],
    ['BAD_GATEWAY', 502, UpstreamError],
    ['GATEWAY_TIMEOUT', 504, UpstreamError],
    ['NOT_FOUND', 404, HubClientError],
  ])('maps %s to its class', (code, status, kind) => {
    const error = trpcError(fromHub(code, status), 'http://hub');
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ status, code, requestId: 'req-3', message: `${code} happened` });
    expect((error as HubClientError).cause).toBeInstanceOf(TRPCClientError);
  });

  it('reads Retry-After from the response', () => {
    const error = trpcError(fromHub('TOO_MANY_REQUESTS', 429, { 'retry-after': '900' }), 'http://hub');
    expect(error).toMatchObject({ retryAfter: 900 });
  });

  it('reports a call that got no answer as a network error naming the hub', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = trpcError(
      TRPCClientError.from(new TypeError('fetch failed', { cause: refused })),
      'http://hub:1',
    );
    expect(error).toBeInstanceOf(HubClientError);
    expect(error).toMatchObject({
      status: undefined,
      code: 'network_error',
      message: 'Cannot reach the hub at http://hub:1: fetch failed (ECONNREFUSED)',
    });
  });

  it('passes the caller’s abort reason through', () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const reason = trpcError(TRPCClientError.from(new Error('aborted')), 'http://hub', controller.signal);
    expect(reason).toBe(controller.signal.reason);
  });
});
