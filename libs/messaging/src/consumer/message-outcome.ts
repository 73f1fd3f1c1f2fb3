/** What happens to a delivered message once it has been handled. */
export type MessageOutcome =
  | { kind: 'complete'; duplicate?: boolean }
  | { kind: 'deadLetter'; reason: string; description: string }
  | { kind: 'retry'; delayMs: number; error: string };

/** Dead-letter descriptions are limited on Service Bus (4 KB); keep the start, which names the problem. */
export function deadLetter(reason: string, description: string): MessageOutcome {
  return { kind: 'deadLetter', reason, description: description.length > 4_000 ? `${description.slice(0, 3_997)}...` : description };
}
