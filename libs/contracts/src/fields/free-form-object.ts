import { z } from 'zod';
import { isStorableText, STORABLE_TEXT, STORABLE_TEXT_MESSAGE } from './storable-text';

/** Nesting below this is refused: deep enough for any real payload, shallow enough for every recursive serialiser. */
export const MAX_FREE_FORM_DEPTH = 32;
export const MAX_FREE_FORM_KEY_LENGTH = 256;

export interface FreeFormLimits {
  /** Size of the value as compact JSON in UTF-8. */
  maxBytes: number;
  description: string;
}

type Problem = { path: PropertyKey[]; message: string };

/**
 * A JSON object the platform stores or shows but never interprets (detector output, producer
 * metadata, audit details). It may hold only JSON (plain objects, arrays, strings, finite
 * numbers, booleans, null), every key and string storable text, at most MAX_FREE_FORM_DEPTH
 * levels deep and `maxBytes` as JSON.
 */
export function freeFormObject({ maxBytes, description }: FreeFormLimits) {
  return z
    .record(z.string().max(MAX_FREE_FORM_KEY_LENGTH).regex(STORABLE_TEXT, STORABLE_TEXT_MESSAGE), z.unknown())
    .superRefine((value, ctx) => {
      const problem = freeFormProblem(value, maxBytes);
      if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    })
    .meta({
      description: `${description} At most ${MAX_FREE_FORM_DEPTH} levels deep and ${maxBytes} bytes as JSON; keys and strings without NUL or unpaired surrogates.`,
      'x-maxDepth': MAX_FREE_FORM_DEPTH,
      'x-maxBytes': maxBytes,
    });
}

/**
 * The first reason `root` is not a storable JSON object, or undefined. Walks iteratively with an
 * explicit stack, so a hostile depth cannot overflow the call stack here, and stops as soon as
 * the size budget (counted exactly as compact JSON) is spent.
 */
export function freeFormProblem(root: Record<string, unknown>, maxBytes: number): Problem | undefined {
  let bytes = 0;
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: root, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (value === null || typeof value === 'boolean') {
      bytes += String(value).length;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path, message: 'Numbers must be finite' };
      bytes += String(value).length;
    } else if (typeof value === 'string') {
      if (!isStorableText(value)) return { path, message: STORABLE_TEXT_MESSAGE };
      bytes += jsonBytes(value);
    } else if (Array.isArray(value) || isPlainObject(value)) {
      // The root object is level 1, so a container at path length L is level L + 1.
      if (path.length >= MAX_FREE_FORM_DEPTH) return { path, message: `Nested deeper than ${MAX_FREE_FORM_DEPTH} levels` };
      const entries: Array<[PropertyKey, unknown]> = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
      bytes += 2 + Math.max(0, entries.length - 1);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index];
        if (typeof key === 'string') {
          if (key.length > MAX_FREE_FORM_KEY_LENGTH) return { path: [...path, key], message: `Keys are at most ${MAX_FREE_FORM_KEY_LENGTH} characters` };
          if (!isStorableText(key)) return { path: [...path, key], message: `Key: ${STORABLE_TEXT_MESSAGE}` };
          bytes += jsonBytes(key) + 1;
        }
        stack.push({ value: item, path: [...path, key] });
      }
    } else {
      return { path, message: `Only JSON values are allowed, not ${describeType(value)}` };
    }
    if (bytes > maxBytes) return { path: [], message: `Larger than ${maxBytes} bytes as JSON` };
  }
  return undefined;
}

/** UTF-8 size of a string as a JSON string literal, quotes and escapes included. */
function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describeType(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'an object';
  return typeof value;
}
