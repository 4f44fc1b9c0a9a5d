import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessage, fieldErrorsOf, hubErrorData, isForbidden, isUnauthorized } from './errors';

/** An error as the tRPC client raises it for an answer of the hub (the error formatter's shape). */
function hubError(
  code: string,
  httpStatus: number,
  message: string,
  issues?: { path: string; message: string }[],
) {
  return TRPCClientError.from({
    error: { code: -32000, message, data: { code, httpStatus, path: 'x.y', requestId: 'r-1', issues } },
  });
}

describe('hub errors', () => {
  it('reads the code and status the hub sent', () => {
    const error = hubError('FORBIDDEN', 403, 'This needs the admin role');
    expect(hubErrorData(error)).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, requestId: 'r-1' });
    expect(isForbidden(error)).toBe(true);
    expect(isUnauthorized(error)).toBe(false);
    expect(errorMessage(error)).toBe('This needs the admin role');
  });

  it('recognises an ended session', () => {
    const error = hubError('UNAUTHORIZED', 401, 'Your session has expired');
    expect(isUnauthorized(error)).toBe(true);
    expect(errorMessage(error)).toBe('Your session has expired');
  });

  it('adds what to do to a rate limit', () => {
    expect(errorMessage(hubError('TOO_MANY_REQUESTS', 429, 'Too many failed sign-ins'))).toBe(
      'Too many failed sign-ins Wait a moment and try again.',
    );
  });

  it('says the hub cannot be reached when there is no answer', () => {
    const offline = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(hubErrorData(offline)).toBeNull();
    expect(errorMessage(offline)).toBe('The hub cannot be reached. Check your connection and try again.');
    expect(errorMessage(undefined)).toBe('The hub cannot be reached. Check your connection and try again.');
  });

  it('says the same when something else answered in the hub’s place (a proxy’s error page)', () => {
    const notTheHub = TRPCClientError.from(new SyntaxError('Unexpected end of JSON input'));
    expect(errorMessage(notTheHub)).toBe('The hub cannot be reached. Check your connection and try again.');
  });

  it('keeps the message of an unexpected local error', () => {
    expect(errorMessage(new Error('The key file is not valid JSON'))).toBe('The key file is not valid JSON');
  });

  it('maps validation issues to fields, first message per field', () => {
    const error = hubError('BAD_REQUEST', 400, 'Invalid input', [
      { path: 'name', message: 'a name is required' },
      { path: 'value.api_key', message: 'must not be empty' },
      { path: 'name', message: 'second message' },
    ]);
    expect(fieldErrorsOf(error)).toEqual({
      name: 'a name is required',
      'value.api_key': 'must not be empty',
    });
    expect(fieldErrorsOf(new Error('x'))).toEqual({});
  });
});
