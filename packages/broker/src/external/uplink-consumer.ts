import type { MqttClient } from 'mqtt';
import type { Clock, Logger } from '@vigil/runtime';
import type { UplinkHandler } from '../hooks.ts';
import { toUplink } from './uplink.ts';

export interface UplinkCounts {
  uplinks: number;
  ignored: number;
  uplinkFailures: number;
}

export interface UplinkConsumerOptions {
  prefix: string;
  onUplink: UplinkHandler;
  /** Shared by every consumer connection of one `ExternalBroker`. */
  counts: UplinkCounts;
  clock: Clock;
  log: Logger;
}

type PublishPacket = Parameters<MqttClient['handleMessage']>[0];

const IDLE_POLL_MS = 50;

/**
 * Feeds one MQTT connection's uplinks to `onUplink` through mqtt.js's documented `handleMessage`
 * hook, whose callback sends the PUBACK and lets mqtt.js read the next packet: a QoS 1 uplink is
 * acknowledged only once `onUplink` resolved, i.e. once it is in the partition log (issue 12
 * "durable log before acknowledgement"). So a connection handles one message at a time; an engine
 * opens several (`ExternalBroker` `consumers`) and their appends share the log's round trips.
 *
 * What is not acknowledged stays in the broker's session and comes again after a reconnection:
 * - a handler that fails is not acked; the connection is dropped so the message is resent at once on
 *   the resumed session (after the reconnect backoff) instead of holding a Receive Maximum slot;
 * - a handler that hangs holds its connection (backpressure: the broker queues that share);
 * - a handler that settles after its connection closed sends nothing: message ids belong to one
 *   connection, and mqtt.js would queue the PUBACK for the next one, where the id may name another
 *   message.
 */
export class UplinkConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  /** Bumped by every message received or settled, for `waitIdle`. */
  private activity = 0;
  /** Bumped when a connection closes: a callback of an older one is never called. */
  private generation = 0;

  constructor(private readonly opts: UplinkConsumerOptions) {}

  get handling(): number {
    return this.inFlight.size;
  }

  attach(client: MqttClient): void {
    client.handleMessage = (packet, callback) => this.receive(client, packet, callback);
    client.on('close', () => {
      this.generation++;
    });
  }

  private receive(client: MqttClient, packet: PublishPacket, ack: () => void): void {
    const { opts } = this;
    this.activity++;
    // We advertise no Topic Alias Maximum, so every PUBLISH carries its full topic.
    const topic = String(packet.topic);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const msg = toUplink(opts.prefix, topic, payload, opts.clock.now());
    if (!msg) {
      opts.counts.ignored++;
      opts.log.debug({ topic: topic.slice(0, 256) }, 'not a device uplink topic, ignored');
      ack();
      return;
    }
    opts.counts.uplinks++;
    const generation = this.generation;
    const pending = Promise.resolve()
      .then(() => opts.onUplink(msg))
      .then(
        () => {
          if (generation === this.generation && client.connected) ack();
        },
        (err: unknown) => {
          opts.counts.uplinkFailures++;
          opts.log.error(
            { err, deviceId: msg.deviceId },
            'uplink handler failed: not acked, reconnecting to get it again',
          );
          if (generation === this.generation) client.stream?.destroy();
        },
      )
      .finally(() => {
        this.activity++;
        this.inFlight.delete(pending);
      });
    this.inFlight.add(pending);
  }

  /**
   * Resolves true once nothing is being handled and no message arrived for `quietMs` (the broker
   * sends a queued message as soon as an ack frees a slot, so a quiet pause means its queue is empty),
   * or false after `maxMs`.
   */
  waitIdle(quietMs: number, maxMs: number): Promise<boolean> {
    // Time is counted in the clock's timer ticks, not by `now()`: a clock whose `now` is pinned (as
    // tests pin the reception time) must not stall shutdown.
    let elapsed = 0;
    let quiet = 0;
    let seen = this.activity;
    return new Promise((resolve) => {
      const check = () => {
        if (this.activity !== seen || this.inFlight.size > 0) quiet = 0;
        seen = this.activity;
        if (this.inFlight.size === 0 && quiet >= quietMs) return resolve(true);
        if (elapsed >= maxMs) return resolve(false);
        elapsed += IDLE_POLL_MS;
        quiet += IDLE_POLL_MS;
        this.opts.clock.setTimeout(check, IDLE_POLL_MS);
      };
      check();
    });
  }

  /** Lets the uplinks being handled settle, for at most `maxMs`. */
  async settle(maxMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let cancel = () => {};
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => {
        cancel = this.opts.clock.setTimeout(resolve, maxMs);
      }),
    ]);
    cancel();
  }
}
