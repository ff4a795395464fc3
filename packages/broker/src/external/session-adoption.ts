import type { MqttClient } from 'mqtt';
import type { Clock, Logger } from '@vigil/runtime';
import { createMqttClient } from './mqtt-client.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { UplinkConsumer } from './uplink-consumer.ts';

export interface SessionAdoptionOptions {
  url: string;
  username?: string;
  password?: string;
  /** The dead worker's client id. */
  clientId: string;
  filter: string;
  keepaliveS: number;
  /** Kept as the dead worker's, so the session outlives us if we die too. */
  sessionExpiryS: number;
  receiveMaximum: number;
  consumer: UplinkConsumer;
  registry: SessionRegistry;
  /** How long without messages (and nothing being handled) means the session's backlog is empty. */
  quietMs: number;
  /** Longest the backlog is read before the session is ended anyway. */
  maxMs: number;
  clock: Clock;
  log: Logger;
}

export type AdoptionOutcome = 'ended' | 'lost';

/** Short pause after UNSUBSCRIBE for messages the broker had already routed to the session. */
const UNSUBSCRIBED_QUIET_MS = 200;
const CONNECT_TIMEOUT_MS = 10_000;
/** MQTT 5 DISCONNECT reason 0x8E (§3.14.2.1): another connection took the session over. */
const SESSION_TAKEN_OVER = 0x8e;

/**
 * Takes over a dead worker's persistent session to receive its share of the uplinks: Mosquitto 2 keeps
 * routing a dead member's round-robin share to its offline session instead of the live members.
 * Connects with that client id (clean start off: the session's shared subscription is still there),
 * hands the redelivered and queued messages to the consumer (acked after commit), and once quiet,
 * UNSUBSCRIBEs (no new share is routed here), drains and DISCONNECTs with Session Expiry Interval 0
 * (MQTT 5 §3.14.2.2.2), so Mosquitto deletes the session, then removes it from the registry.
 *
 * Never reconnects: if the connection ends first, e.g. because the owner came back and Mosquitto gave
 * it the session (§3.1.4-3), the adoption stops and what was not acked stays in the session, for its
 * owner or the next adopter once the claim's lease ends.
 */
export class SessionAdoption {
  private client: MqttClient | undefined;
  private aborted = false;

  constructor(private readonly opts: SessionAdoptionOptions) {}

  run(): Promise<AdoptionOutcome> {
    const { opts } = this;
    const log = opts.log.child({ adoptedClientId: opts.clientId });
    return new Promise<AdoptionOutcome>((resolve) => {
      let ending = false;
      const client = createMqttClient(opts.url, {
        protocolVersion: 5,
        clientId: opts.clientId,
        clean: false,
        keepalive: opts.keepaliveS,
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectPeriod: 0,
        properties: { sessionExpiryInterval: opts.sessionExpiryS, receiveMaximum: opts.receiveMaximum },
        ...(opts.username !== undefined && { username: opts.username }),
        ...(opts.password !== undefined && { password: opts.password }),
      });
      this.client = client;
      opts.consumer.attach(client);
      client.on('error', (err) => log.debug({ err: err.message }, 'adoption connection error'));
      client.on('disconnect', (packet) => {
        if (packet.reasonCode === SESSION_TAKEN_OVER) log.info('adopted session taken over (its owner is back)');
      });
      client.on('close', () => {
        if (ending) return;
        ending = true;
        log.info('adoption stopped: connection ended before the session was drained');
        resolve('lost');
      });
      client.once('connect', (connack) => {
        opts.consumer.touch();
        log.info({ sessionPresent: connack.sessionPresent }, 'adopting the session of a dead worker');
        (async () => {
          // No session (it expired, or was never made): nothing to drain.
          if (connack.sessionPresent) {
            const drained =
              (await opts.consumer.waitIdle(opts.quietMs, opts.maxMs)) &&
              !ending &&
              !this.aborted &&
              (await client.unsubscribeAsync(opts.filter).then(
                () => true,
                (err: unknown) => {
                  // Not drained then: the abort below leaves the session to the next adopter.
                  log.debug({ err }, 'adopted session: unsubscribe failed');
                  return false;
                },
              )) &&
              (await opts.consumer.waitIdle(UNSUBSCRIBED_QUIET_MS, opts.maxMs));
            // Never end a session that may still hold messages: leave it to the next adopter.
            if (!drained) return this.abort();
          }
          if (ending || this.aborted || !client.connected) return;
          ending = true;
          await client.endAsync(false, { properties: { sessionExpiryInterval: 0 } }).catch((err: unknown) => {
            // Drained and unsubscribed, so nothing more is routed to it: Mosquitto drops the session
            // when its expiry interval runs out instead of now.
            log.warn({ err }, 'adopted session drained, but its DISCONNECT failed: it expires on its own');
          });
          await opts.registry.remove(opts.clientId).catch((err: unknown) => {
            log.warn({ err }, 'adopted session ended but not removed from the registry');
          });
          log.info({ sessionPresent: connack.sessionPresent }, 'adopted session drained and ended');
          resolve('ended');
        })().catch((err: unknown) => {
          // Left as a crash would leave it: the session stays for the next adopter.
          log.warn({ err }, 'adoption failed');
          this.abort();
          resolve('lost');
        });
      });
    });
  }

  /** Drops the connection as a crash would (the session stays, for the next adopter). */
  abort(): void {
    this.aborted = true;
    this.client?.stream?.destroy();
  }
}
