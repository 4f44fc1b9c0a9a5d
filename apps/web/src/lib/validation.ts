/** Runs a zod schema over a form's values and returns either the parsed input or one message per field. */
import type { z } from 'zod';

/** Field path (dotted, `value.api_key`) -> message; problems with the whole form are under `_form`. */
export type FieldErrors = Record<string, string>;

export type Validated<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '_form';
    errors[path] ??= issue.message;
  }
  return { ok: false, errors };
}

/** A number field's text as a number: empty is "not given" (undefined), anything unreadable is NaN for zod. */
export function numberOrUndefined(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}
