import type { MqttClient } from 'mqtt';
import type { Clock, Logger } from '@vigil/runtime';
import type { UplinkHandler } from '../hooks.ts';
import { DeferredAcks } from './deferred-ack.ts';
import { toUplink } from './uplink.ts';

export interface UplinkCounts {
  uplinks: number;
  ignored: number;
  uplinkFailures: number;
}

export interface UplinkConsumerOptions {
  prefix: string;
  onUplink: UplinkHandler;
  maxInFlight: number;
  /** Shared by every connection of one `ExternalBroker` (its own and the sessions it adopts). */
  counts: UplinkCounts;
  clock: Clock;
  log: Logger;
}

const IDLE_POLL_MS = 50;

/**
 * Feeds one MQTT connection's uplinks to `onUplink`, up to `maxInFlight` at once, and acknowledges
 * each QoS 1 message only once its handling has settled (`DeferredAcks`): a worker killed mid-stream
 * leaves what it had not committed unacked in its session, for the broker to send again. A handler
 * that fails is acked too: it reported its own failure, and an unacked message would hold one of the
 * broker's Receive Maximum slots until the connection ends.
 */
export class UplinkConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  /** The packet pump's callback, held while `maxInFlight` uplinks are being handled. */
  private held: (() => void) | undefined;
  private acks: DeferredAcks | undefined;
  /** Bumped by every message received or settled, for `waitIdle`. */
  private activity = 0;

  constructor(private readonly opts: UplinkConsumerOptions) {}

  /** Restarts the quiet period (e.g. at CONNACK). */
  touch(): void {
    this.activity++;
  }

  get handling(): number {
    return this.inFlight.size;
  }

  attach(client: MqttClient): void {
    this.acks = new DeferredAcks(client);
    client.on('message', (topic, payload, packet) => this.receive(topic, payload, packet.qos, packet.messageId));
    // mqtt.js reads the next packet once this calls back (the PUBACK it sends is held by DeferredAcks).
    client.handleMessage = (_packet, callback) => {
      if (this.inFlight.size < this.opts.maxInFlight) callback();
      else this.held = () => callback();
    };
    // A held callback belongs to the dead connection's packet pump: never resume it on the new one.
    client.on('close', () => {
      this.held = undefined;
    });
  }

  private receive(topic: string, payload: Buffer, qos: number, messageId: number | undefined): void {
    const { opts } = this;
    this.activity++;
    const commit = qos > 0 && messageId !== undefined && this.acks ? this.acks.defer(messageId) : () => {};
    const msg = toUplink(opts.prefix, topic, payload, opts.clock.now());
    if (!msg) {
      opts.counts.ignored++;
      opts.log.debug({ topic: topic.slice(0, 256) }, 'not a device uplink topic, ignored');
      commit();
      return;
    }
    opts.counts.uplinks++;
    let result: void | Promise<void>;
    try {
      result = opts.onUplink(msg);
    } catch (err) {
      opts.counts.uplinkFailures++;
      opts.log.error({ err, deviceId: msg.deviceId }, 'uplink handler threw');
      commit();
      return;
    }
    if (!result) {
      commit();
      return;
    }
    const pending: Promise<void> = result
      .catch((err: unknown) => {
        opts.counts.uplinkFailures++;
        opts.log.error({ err, deviceId: msg.deviceId }, 'uplink handler failed');
      })
      .finally(() => {
        commit();
        this.activity++;
        this.inFlight.delete(pending);
        const held = this.held;
        this.held = undefined;
        held?.();
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
