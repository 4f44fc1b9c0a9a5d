import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { aadFor } from './aad';

describe('aadFor', () => {
  it('joins table, row id and field with colons', () => {
    expect(aadFor('credentials', 'cred_01', 'api_key')).toBe('credentials:cred_01:api_key');
  });

  it('allows a colon in the row id, which stays unambiguous', () => {
    expect(aadFor('t', 'a:b', 'f')).toBe('t:a:b:f');
  });

  it.each([
    ['table', () => aadFor('cred:entials', 'id', 'api_key'), "Associated data table must not contain ':'"],
    ['field', () => aadFor('credentials', 'id', 'api:key'), "Associated data field must not contain ':'"],
    ['empty table', () => aadFor('', 'id', 'api_key'), 'Associated data table must be a non-empty string'],
    [
      'empty row id',
      () => aadFor('credentials', '', 'api_key'),
      'Associated data row id must be a non-empty string',
    ],
    [
      'empty field',
      () => aadFor('credentials', 'id', ''),
      'Associated data field must be a non-empty string',
    ],
    [
      'lone surrogate',
      () => aadFor('credentials', 'id\uD800', 'f'),
      'Associated data row id is not well-formed Unicode',
    ],
  ])('rejects a bad %s', (_what, run, message) => {
    expect(run).toThrow(new ValidationError(message));
  });

  it('cannot make two different triples collide once colons are kept out of table and field', () => {
    // Without the rule, ('a:b', 'c', 'd') and ('a', 'b:c', 'd') would both give "a:b:c:d".
    expect(() => aadFor('a:b', 'c', 'd')).toThrow(ValidationError);
    expect(aadFor('a', 'b:c', 'd')).toBe('a:b:c:d');
  });
});
