import type { MqttClient } from 'mqtt';

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

interface Pending {
  committed: boolean;
  /** The PUBACK mqtt.js wanted to send, held until commit. */
  puback?: Parameters<SendPacket>[0];
}

/**
 * PUBACK a QoS 1 message only once it is committed, without serialising the packet pump.
 *
 * mqtt.js 5 (lib/handlers/publish.js) emits `message`, then calls `handleMessage(packet, cb)`, whose
 * callback sends `{ cmd: 'puback', messageId }` through `client._sendPacket(packet, done)` and reads
 * the next packet once `done` runs. Holding the callback would ack in order and read one message at a
 * time. Instead the PUBACK of a message registered with `defer` is taken out of `_sendPacket` (an
 * instance override; `done` runs at once so the pump reads on) and written by `commit`.
 * `deferred-ack.test.ts` pins this against mqtt.js: it fails if a deferred message is acked early.
 *
 * Message ids belong to one connection: on `close` every held PUBACK is dropped (the broker resends
 * the unacked messages on the resumed session, or a clean session forgets them).
 */
export class DeferredAcks {
  private pending = new Map<number, Pending>();
  private readonly send: SendPacket;

  constructor(client: MqttClient) {
    const internal = client as unknown as { _sendPacket?: SendPacket };
    if (typeof internal._sendPacket !== 'function') {
      throw new Error('mqtt.js has no _sendPacket: deferred PUBACKs need updating for this mqtt.js version');
    }
    this.send = internal._sendPacket.bind(client);
    internal._sendPacket = (packet, cb, ...rest) => {
      const entry = packet.cmd === 'puback' && packet.messageId !== undefined && this.pending.get(packet.messageId);
      if (!entry || entry.committed) {
        if (entry && packet.messageId !== undefined) this.pending.delete(packet.messageId);
        return this.send(packet, cb, ...rest);
      }
      entry.puback = packet;
      cb?.();
    };
    client.on('close', () => {
      this.pending = new Map();
    });
  }

  /**
   * Holds the PUBACK of this QoS 1 message (call from the `message` listener, before mqtt.js sends
   * it); returns `commit`, which sends it, or drops it if the connection it came on has closed.
   */
  defer(messageId: number): () => void {
    const entry: Pending = { committed: false };
    const map = this.pending;
    map.set(messageId, entry);
    return () => {
      if (this.pending !== map || map.get(messageId) !== entry) return;
      entry.committed = true;
      if (!entry.puback) return; // mqtt.js has not asked yet: it sends it when it does
      map.delete(messageId);
      this.send(entry.puback);
    };
  }

  /** PUBACKs held for messages not yet committed, on the current connection. */
  get held(): number {
    let n = 0;
    for (const e of this.pending.values()) if (!e.committed) n++;
    return n;
  }
}
