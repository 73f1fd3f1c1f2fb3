import type { Server, Socket } from 'node:net';
import rhea, { Connection, EventContext, Receiver, Sender } from 'rhea';
import { BrokerError } from '../broker/broker-error';
import type { Clock } from '../broker/clock';
import type { EntityStore } from '../broker/entity-store';
import type { MessageEntity } from '../broker/message-entity';
import type { SendTarget } from '../broker/send-target';
import type { StateJournal } from '../broker/state-journal';
import { amqpMessage, dateToTicks } from './amqp-encoding';
import { handleCbsRequest } from './cbs-handler';
import { DeliveryLink } from './delivery-link';
import { acceptTransfer } from './incoming-link';
import { ManagementHandler } from './management-handler';
import { captureRawTransfers, holdAttach, rawPayloadOf, releaseAttach } from './rhea-extensions';

const CBS_ADDRESS = '$cbs';
const MANAGEMENT_SUFFIX = '/$management';
const SESSION_FILTER = 'com.microsoft:session-filter';
const TIMEOUT_PROPERTY = 'com.microsoft:timeout';
const LOCKED_UNTIL_PROPERTY = 'com.microsoft:locked-until-utc';
/** Answer a session wait slightly before the client's own timeout, so it sees the broker's reason. */
const SESSION_WAIT_MARGIN_MS = 100;

interface Terminus {
  address?: string;
  filter?: Record<string, unknown>;
}

type ReceiverRole = { kind: 'cbs' } | { kind: 'management'; entityPath: string } | { kind: 'send'; target: SendTarget };

/** Accepts AMQP connections from the SDK and routes links to CBS, `$management` and entities. */
export class AmqpServer {
  private readonly container = rhea.create_container({ id: 'servicebus-emulator' });
  private readonly management: ManagementHandler;
  private readonly receiverRoles = new WeakMap<Receiver, ReceiverRole>();
  private readonly deliveryLinks = new WeakMap<Sender, DeliveryLink>();
  private readonly linksByConnection = new Map<Connection, Set<DeliveryLink>>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(
    private readonly store: EntityStore,
    private readonly clock: Clock,
    private readonly journal: StateJournal,
  ) {
    this.management = new ManagementHandler(store, clock, journal);
    const c = this.container;
    c.on('session_open', (context: EventContext) => captureRawTransfers(context.session!));
    c.on('receiver_open', (context: EventContext) => this.onClientSenderAttached(context.receiver!));
    c.on('sender_open', (context: EventContext) => this.onClientReceiverAttached(context.connection, context.sender!));
    c.on('message', (context: EventContext) => this.onMessage(context));
    for (const outcome of ['accepted', 'rejected', 'released', 'modified']) {
      c.on(outcome, (context: EventContext) => this.deliveryLinks.get(context.sender!)?.onSettled(context.delivery!));
    }
    c.on('sender_flow', (context: EventContext) => this.deliveryLinks.get(context.sender!)?.onFlow());
    c.on('sendable', (context: EventContext) => this.deliveryLinks.get(context.sender!)?.onFlow());
    c.on('sender_close', (context: EventContext) => this.deliveryLinks.get(context.sender!)?.detachFromEntity());
    c.on('connection_close', (context: EventContext) => this.onConnectionGone(context.connection));
    c.on('disconnected', (context: EventContext) => this.onConnectionGone(context.connection));
    // Link and connection errors are the client's business; a broker must not crash on them.
    c.on('error', () => undefined);
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = this.container.listen({
        port,
        host,
        receiver_options: { autoaccept: false },
      } as unknown as Parameters<typeof this.container.listen>[0]) as unknown as Server;
      this.server = server;
      server.on('connection', (socket: Socket) => {
        // Small frames (flow, disposition) must not wait for Nagle's algorithm to fill a segment.
        socket.setNoDelay(true);
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
      server.once('error', reject);
      server.once('listening', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const connection of this.linksByConnection.keys()) this.onConnectionGone(connection);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private onClientSenderAttached(receiver: Receiver): void {
    const target = (receiver as unknown as { remote: { attach?: RemoteAttach } }).remote.attach;
    const address = target?.target?.address ?? '';
    receiver.set_target({ address });
    receiver.set_source({ address: target?.source?.address ?? '' });
    if (address === CBS_ADDRESS) {
      this.receiverRoles.set(receiver, { kind: 'cbs' });
    } else if (address.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
      this.receiverRoles.set(receiver, { kind: 'management', entityPath: address.slice(0, -MANAGEMENT_SUFFIX.length) });
    } else {
      try {
        const sendTarget = this.store.sendTarget(address);
        (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size =
          sendTarget.sendSettings.maxMessageSizeBytes;
        this.receiverRoles.set(receiver, { kind: 'send', target: sendTarget });
      } catch (error) {
        reject(receiver, error);
      }
    }
  }

  private onClientReceiverAttached(connection: Connection, sender: Sender): void {
    const attach = (sender as unknown as { remote: { attach: RemoteAttach } }).remote.attach;
    const source = attach.source ?? {};
    const address = source.address ?? '';
    sender.set_target({ address: attach.target?.address ?? '' });
    if (address === CBS_ADDRESS || address.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
      sender.set_source({ address });
      return;
    }
    let entity: MessageEntity;
    try {
      entity = this.store.receiveSource(address);
    } catch (error) {
      sender.set_source({ address });
      reject(sender, error);
      return;
    }
    const local = (sender as unknown as { local: { attach: { snd_settle_mode: number; rcv_settle_mode: number } } }).local;
    local.attach.snd_settle_mode = attach.snd_settle_mode ?? 0;
    local.attach.rcv_settle_mode = attach.rcv_settle_mode ?? 0;
    const link = new DeliveryLink(sender, entity, attach.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock', this.journal);
    this.deliveryLinks.set(sender, link);
    let links = this.linksByConnection.get(connection);
    if (!links) {
      links = new Set();
      this.linksByConnection.set(connection, links);
    }
    links.add(link);
    if (!entity.requiresSession) {
      sender.set_source({ address });
      entity.addConsumer(link);
      return;
    }
    this.acceptSession(sender, link, entity, address, attach);
  }

  /** Session receivers get their attach answered only once a session is locked for them. */
  private acceptSession(sender: Sender, link: DeliveryLink, entity: MessageEntity, address: string, attach: RemoteAttach): void {
    const requested = attach.source?.filter?.[SESSION_FILTER];
    const sessionId = requested === undefined || requested === null ? undefined : String(requested);
    const timeoutMs = Number(attach.properties?.[TIMEOUT_PROPERTY] ?? 60_000);
    holdAttach(sender);
    entity.acceptSession(link, sessionId, Math.max(0, timeoutMs - SESSION_WAIT_MARGIN_MS)).then(
      (granted) => {
        if (link.isClosed) {
          entity.sessions.releaseOwnedBy(link);
          return;
        }
        link.sessionId = granted;
        sender.set_source({ address, filter: { [SESSION_FILTER]: granted } });
        (sender as unknown as { local: { attach: { properties: object } } }).local.attach.properties = {
          [LOCKED_UNTIL_PROPERTY]: dateToTicks(entity.sessions.lockedUntil(granted) ?? this.clock.now()),
        };
        releaseAttach(sender);
        entity.addConsumer(link);
      },
      (error: unknown) => {
        if (link.isClosed) return;
        sender.set_source({ address });
        releaseAttach(sender);
        link.detachFromEntity();
        reject(sender, error);
      },
    );
  }

  private onMessage(context: EventContext): void {
    const receiver = context.receiver!;
    const delivery = context.delivery!;
    const role = this.receiverRoles.get(receiver);
    if (!role) return;
    if (role.kind === 'send') {
      const format = (context as { format?: number }).format ?? 0;
      acceptTransfer(role.target, delivery, format === 0 ? rawPayloadOf(receiver) : (context.message as unknown as Buffer), this.journal);
      return;
    }
    delivery.update(true, amqpMessage.accepted().described());
    if (role.kind === 'cbs') handleCbsRequest(context.connection, context.message!);
    else this.management.handle(context.connection, role.entityPath, context.message!);
  }

  private onConnectionGone(connection: Connection): void {
    const links = this.linksByConnection.get(connection);
    if (!links) return;
    this.linksByConnection.delete(connection);
    for (const link of links) link.detachFromEntity();
  }
}

interface RemoteAttach {
  source?: Terminus;
  target?: Terminus;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  properties?: Record<string, unknown>;
}

function reject(link: Sender | Receiver, error: unknown): void {
  const failure = error instanceof BrokerError ? error : new BrokerError('amqp:internal-error', String(error), 500);
  link.close({ condition: failure.condition, description: failure.message });
}
