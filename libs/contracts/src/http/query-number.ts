import { z } from 'zod';

/** Decimal notation: an optional sign, digits with an optional fraction, an optional exponent. */
const DECIMAL_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A number given as query text, then held to `schema`: its bounds, whether it must be an integer.
 * The OpenAPI document shows `schema`, the parsed value. Only decimal notation is read:
 * `Number()`, and so `z.coerce.number()`, reads an empty or blank value as 0 and also reads hex,
 * binary and octal literals, `Infinity` and padding whitespace.
 */
export function queryNumber<S extends z.ZodType<number, number>>(schema: S) {
  return z
    .string()
    .transform((text, context) => {
      if (text.trim() === '') {
        context.addIssue({ code: 'custom', message: 'Expected a number, got an empty value', input: text });
        return z.NEVER;
      }
      if (!DECIMAL_NUMBER.test(text)) {
        context.addIssue({ code: 'custom', message: 'Expected a number in decimal notation', input: text });
        return z.NEVER;
      }
      return Number(text);
    })
    .pipe(schema);
}
