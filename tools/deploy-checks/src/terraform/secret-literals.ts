/**
 * What a secret written into a configuration file looks like: connection strings with keys or
 * passwords, URLs with credentials, private keys, vendor keys, and long random-looking tokens.
 * Placeholders (`<key>`, `…`, `${var.x}`) are not secrets.
 */

interface SecretPattern {
  kind: string;
  pattern: RegExp;
}

const SECRET_PATTERNS: readonly SecretPattern[] = [
  { kind: 'connection string credential', pattern: /\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)\s*=\s*(?![<$…{])[^;\s"']{4,}/gi },
  { kind: 'URL with credentials', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"'<$]*:(?![<$…{])[^/\s@"']{3,}@/gi },
  { kind: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g },
  { kind: 'Stripe key', pattern: /\b(?:sk|rk|pk|whsec)_(?:live|test)_[A-Za-z0-9]{8,}/g },
  { kind: 'JSON web token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
];

/** Base64 or hex runs long enough to be a key. */
const RANDOM_TOKEN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;

/** A token looks random when it mixes digits with upper- and lowercase letters, as keys do and names rarely do. */
function looksRandom(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
}

export interface SecretLiteral {
  kind: string;
  /** The first characters only: a report must not spread the secret further. */
  excerpt: string;
}

/** The secret-looking literals in a text. */
export function secretLiteralsIn(text: string): SecretLiteral[] {
  const found: SecretLiteral[] = [];
  const excerpt = (match: string) => `${match.slice(0, 12)}…`;
  for (const { kind, pattern } of SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern)) found.push({ kind, excerpt: excerpt(match[0]) });
  }
  for (const match of text.matchAll(RANDOM_TOKEN)) {
    if (looksRandom(match[0])) found.push({ kind: 'random-looking token', excerpt: excerpt(match[0]) });
  }
  return found;
}

/** Variable names that say they hold a secret. */
export function namesASecret(variable: string): boolean {
  return /password|secret|token|credential|connection_string|api_key|access_key|private_key|webhook/i.test(variable);
}
