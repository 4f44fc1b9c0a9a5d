import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { numberOrUndefined, validate } from './validation';

const schema = z
  .object({
    name: z.string().min(1, 'a name is required'),
    value: z.object({ key: z.string().min(3, 'too short') }),
  })
  .refine((v) => v.name !== 'x', 'not x');

describe('validate', () => {
  it('returns the parsed data', () => {
    expect(validate(schema, { name: 'a', value: { key: 'abc' } })).toEqual({
      ok: true,
      data: { name: 'a', value: { key: 'abc' } },
    });
  });

  it('returns the first message of each field by dotted path', () => {
    expect(validate(schema, { name: '', value: { key: 'a' } })).toEqual({
      ok: false,
      errors: { name: 'a name is required', 'value.key': 'too short' },
    });
  });

  it('puts problems with the whole form under _form', () => {
    expect(validate(schema, { name: 'x', value: { key: 'abc' } })).toEqual({
      ok: false,
      errors: { _form: 'not x' },
    });
  });
});

describe('numberOrUndefined', () => {
  it('reads number fields', () => {
    expect(numberOrUndefined(' 42 ')).toBe(42);
    expect(numberOrUndefined('')).toBeUndefined();
    expect(numberOrUndefined('abc')).toBeNaN();
  });
});
