import { AsyncLocalStorage } from 'node:async_hooks';

/** What identifies the unit of work in progress: an HTTP request or a message being handled. */
export interface RequestContext {
  requestId: string;
  /** The business flow the work belongs to (the message's correlation id). */
  correlationId?: string;
  /** For HTTP requests: the service answering and its client as the service sees it (audit events record them as their source). */
  service?: string;
  clientIp?: string;
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with a request id that every log line written during it will carry. */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
