/**
 * What an answer gives away about a tenant other than the caller's. The scan reads the status
 * line's headers and the body as text, so an identifier in an error message, a header, a listing
 * or an HTML page is found the same way.
 */

export interface ScannedAnswer {
  headers: Record<string, string>;
  body: string;
}

/** Text of an answer as the scan reads it: every header line, then the body. */
export const answerText = (answer: ScannedAnswer) =>
  `${Object.entries(answer.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n')}\n\n${answer.body}`;

/**
 * The names of the markers an answer contains. A marker the request itself carried (the caller
 * named B's record) is left to `sameAnswerAsUnknown`: echoing the caller's own input tells it
 * nothing, answering it differently from an unknown id would.
 */
export function leakedMarkers(answer: ScannedAnswer, markers: Record<string, string>, sentByCaller: readonly string[]): string[] {
  const text = answerText(answer);
  return Object.entries(markers)
    .filter(([, value]) => !sentByCaller.includes(value) && text.includes(value))
    .map(([name]) => name);
}

/** An answer with the identifiers the request named, and request ids, replaced: what two answers must share. */
export function normalizedAnswer(status: number, body: string, identifiers: readonly string[]): string {
  let text = body;
  for (const identifier of identifiers) text = text.split(identifier).join('<named id>');
  return `${status} ${text.replace(/"requestId":"[^"]*"/g, '"requestId":"<request id>"')}`;
}

/** Whether naming another tenant's thing is answered exactly like naming one that does not exist. */
export function sameAnswerAsUnknown(
  other: { status: number; body: string; identifiers: readonly string[] },
  unknown: { status: number; body: string; identifiers: readonly string[] },
): boolean {
  return normalizedAnswer(other.status, other.body, other.identifiers) === normalizedAnswer(unknown.status, unknown.body, unknown.identifiers);
}
