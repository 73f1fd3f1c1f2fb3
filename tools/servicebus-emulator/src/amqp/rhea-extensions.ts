import type { Delivery, Receiver, Sender, Session } from 'rhea';

/*
 * Broker-side behaviour that rhea (a client-first library) does not offer through its public API.
 * Each function touches rhea internals of one server-side link or session only; client links in
 * the same process are never modified.
 */

interface IncomingInternals {
  on_transfer(frame: { performative: { more?: boolean }; payload?: Buffer }, receiver: Receiver): void;
}

interface ReceiverInternals {
  _incomplete?: { frames: Buffer[] };
  lastRawPayload?: Buffer;
}

/**
 * rhea decodes format-0 messages before handing them over; the broker needs the exact bytes, so
 * the session's transfer handler records the complete payload on the receiving link first.
 */
export function captureRawTransfers(session: Session): void {
  const incoming = (session as unknown as { incoming: IncomingInternals }).incoming;
  const original = incoming.on_transfer.bind(incoming);
  incoming.on_transfer = (frame, receiver) => {
    if (!frame.performative.more) {
      const link = receiver as unknown as ReceiverInternals;
      const payload = frame.payload ?? Buffer.alloc(0);
      const previous = link._incomplete?.frames;
      link.lastRawPayload = previous ? Buffer.concat([...previous, payload]) : payload;
    }
    original(frame, receiver);
  };
}

/** The bytes of the transfer that is being dispatched as a `message` event on `receiver`. */
export function rawPayloadOf(receiver: Receiver): Buffer {
  return (receiver as unknown as ReceiverInternals).lastRawPayload ?? Buffer.alloc(0);
}

interface LinkStateInternals {
  state: { local_open: boolean; open_requests: number };
}

/** rhea answers an attach immediately; this withdraws the answer so it can be sent later. */
export function holdAttach(link: Sender | Receiver): void {
  const state = (link as unknown as LinkStateInternals).state;
  state.local_open = false;
  state.open_requests = 0;
}

/** Sends the attach that `holdAttach` withheld. */
export function releaseAttach(link: Sender | Receiver): void {
  (link as unknown as { open(): void }).open();
}

interface SenderInternals {
  credit: number;
  delivery_count: number;
  _draining: boolean;
  issue_flow: boolean;
  _get_drain(): boolean;
  connection: { _register(): void };
}

/**
 * Answers a drain request even when no credit is left (rhea only echoes drain while credit > 0,
 * and the SDK closes a link whose drain is not echoed). `onCreditDiscarded` learns how much
 * unused credit the drain consumed, for the caller's own credit accounting.
 */
export function enableDrainReplies(sender: Sender, onCreditDiscarded: (credit: number) => void): void {
  const link = sender as unknown as SenderInternals;
  link._get_drain = function drainReply(this: SenderInternals) {
    if (!this._draining) return false;
    onCreditDiscarded(this.credit);
    this.delivery_count += this.credit;
    this.credit = 0;
    this._draining = false;
    return true;
  };
}

export function isDraining(sender: Sender): boolean {
  return (sender as unknown as SenderInternals)._draining;
}

/** Queues the drain reply; rhea writes it after any transfers already queued on the session. */
export function replyToDrain(sender: Sender): void {
  const link = sender as unknown as SenderInternals;
  link.issue_flow = true;
  link.connection._register();
}

export function rawDeliveryCount(sender: Sender): number {
  return (sender as unknown as SenderInternals).delivery_count;
}

export function rawCredit(sender: Sender): number {
  return (sender as unknown as SenderInternals).credit;
}

/**
 * In receiver-settle-mode "second" the client never sends its final settle, so rhea would keep
 * every answered delivery until the session window fills; mark it settled by the peer.
 */
export function forgetDelivery(delivery: Delivery): void {
  (delivery as unknown as { remote_settled: boolean }).remote_settled = true;
}

/**
 * Free places in the session's outgoing delivery buffer. rhea keeps every unsettled delivery there
 * (2048 per session) and throws when it overflows, so the broker never sends beyond it, whatever
 * credit a client grants.
 */
export function outgoingWindowSpace(sender: Sender): number {
  return (sender as unknown as { session: { outgoing: { available(): number } } }).session.outgoing.available();
}
