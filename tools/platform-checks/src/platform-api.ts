/** A JSON answer of one of the platform's HTTP APIs. */
export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** One JSON request with a bearer token (an API key or the admin token). */
export async function callJson<T>(url: string, method: string, token: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The body of an answer that must have `status`; anything else fails the arrangement, saying what. */
export async function expectStatus<T>(what: string, answer: Promise<Answer<T>>, status: number): Promise<T> {
  const { status: actual, body } = await answer;
  if (actual !== status) throw new Error(`${what}: ${actual} ${JSON.stringify(body)}, expected ${status}`);
  return body;
}
