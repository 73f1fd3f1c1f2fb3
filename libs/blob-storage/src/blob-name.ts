/** Raised before any request for a blob name (or list prefix) that the store refuses. */
export class InvalidBlobNameError extends Error {
  constructor(
    readonly blobName: string,
    readonly reason: string,
  ) {
    // JSON escapes NUL, control characters and lone surrogates, so the message is safe to log.
    super(`Blob name ${JSON.stringify(blobName.length > 200 ? `${blobName.slice(0, 200)}…` : blobName)} is refused: ${reason}`);
    this.name = 'InvalidBlobNameError';
  }
}

const MAX_LENGTH = 1024;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Problems shared by names and prefixes; undefined when there are none. */
function problemOfText(text: string): string | undefined {
  if (text.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (hasControlCharacter(text)) return 'contains a control character (NUL, newline, …)';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired surrogate, which has no UTF-8 form';
  // Azure reads a backslash as a slash, so "a\..\b" would be a path too.
  if (text.includes('\\')) return 'contains a backslash';
  const segments = text.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return 'has a "." or ".." path segment, which URL normalisation would resolve to another blob';
  }
  return undefined;
}

/**
 * Why `name` cannot name a blob, or undefined when it can: names are slash-separated paths of
 * non-empty segments without "." or "..", control characters, backslashes or lone surrogates,
 * at most 1,024 characters and not ending in a dot (Azure drops trailing dots).
 */
export function blobNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'is empty';
  const problem = problemOfText(name);
  if (problem) return problem;
  if (name.split('/').some((segment) => segment === '')) return 'has an empty path segment (leading, trailing or double "/")';
  if (name.endsWith('.')) return 'ends with a dot, which Azure drops';
  return undefined;
}

export function assertBlobName(name: string): void {
  const problem = blobNameProblem(name);
  if (problem) throw new InvalidBlobNameError(String(name), problem);
}

/** A list prefix may be empty (everything) or end with "/" (a folder), but is otherwise held to the same rules. */
export function assertBlobPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new InvalidBlobNameError(String(prefix), 'is not a string');
  const problem = problemOfText(prefix) ?? (prefix.startsWith('/') || prefix.includes('//') ? 'has an empty path segment (leading or double "/")' : undefined);
  if (problem) throw new InvalidBlobNameError(prefix, problem);
}
