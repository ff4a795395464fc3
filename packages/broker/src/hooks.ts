import type { AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { UplinkMessage } from '@vigil/engine';
import type { Clock, Logger } from '@vigil/runtime';
import { mayPublish, maySubscribe } from './acl.ts';
import type { DeviceAuthenticator } from './auth.ts';
import type { DeviceRegistry } from './registry.ts';

/**
 * Takes a device's message: resolves once it is taken (in the log, or rejected for bad input and
 * reported), when the broker acknowledges it; rejects when it could not be taken, and then the
 * broker does not acknowledge it (the embedded broker closes the connection, the external consumer
 * reconnects), so the device sends it again.
 */
export type UplinkHandler = (msg: UplinkMessage) => void | Promise<void>;

export interface HookContext {
  prefix: string;
  registry: DeviceRegistry;
  authenticator: DeviceAuthenticator;
  onUplink: UplinkHandler;
  clock: Clock;
  log: Logger;
}

/** 3.1.1 CONNACK return codes used here. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
const SERVER_UNAVAILABLE = 3;

function connackError(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** The aedes hooks implementing contract §1 authentication, ACL and ingest. */
export function createHooks(
  ctx: HookContext,
): Required<
  Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'published'>
> {
  const { prefix, registry, log } = ctx;
  // The CONNECT packet's will topic, read in preConnect so authenticate can check it.
  const willTopics = new WeakMap<Client, string>();

  /**
   * Hands an accepted publish to the platform and calls back once it is taken (in the log), or at
   * once for `$SYS`. A device that gets no PUBACK keeps the message and sends it again, so nothing
   * acknowledged is ever lost; the wait also slows a device whose partition is far behind
   * (backpressure). A handler that fails could not take the message: no PUBACK, and the connection
   * is closed (3.1.1 has no negative PUBACK; a device resends unacknowledged messages when it
   * reconnects, while on an open connection it would wait for the PUBACK forever).
   */
  function ingest(deviceId: string, packet: PublishPacket, callback: (err: Error | null) => void): void {
    if (packet.topic.startsWith('$SYS')) {
      callback(null);
      return;
    }
    const payload = packet.payload;
    const msg: UplinkMessage = {
      deviceId,
      topic: packet.topic,
      payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
      receivedAt: ctx.clock.now(),
    };
    let result: void | Promise<void>;
    try {
      result = ctx.onUplink(msg);
    } catch (err) {
      notTaken(err, deviceId, callback);
      return;
    }
    if (!result) {
      callback(null);
      return;
    }
    // Unnamed arrows: a named closure per message costs tsx's keepNames a defineProperty each.
    result.then(
      () => callback(null),
      (err: unknown) => notTaken(err, deviceId, callback),
    );
  }

  function notTaken(err: unknown, deviceId: string, callback: (err: Error | null) => void): void {
    registry.countUplinkFailure();
    log.error({ err, deviceId }, 'uplink not taken: no PUBACK, connection closed for a resend');
    callback(new Error('uplink not taken'));
  }

  return {
    preConnect(client, packet, callback) {
      if (packet.will?.topic !== undefined) willTopics.set(client, packet.will.topic);
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      // contract §1: the client id must equal the device id, so a new connection can replace (take
      // over, in aedes' registerClient, after this hook) only the device's own older session. Decided
      // from the packet alone, before the store or the secret is looked at: the answer is the same
      // for a known or unknown device and a right or wrong secret, so it reveals nothing.
      if (client.id !== username) {
        registry.countIdentifierRejected();
        log.info({ deviceId: username?.slice(0, 64) }, 'mqtt client id differs from the device id: refused');
        done(connackError(IDENTIFIER_REJECTED, 'identifier rejected'), false);
        return;
      }
      ctx.authenticator.authenticate(username, password).then(
        (identity) => {
          if (!identity) {
            registry.countAuthFailure();
            log.info({ deviceId: username?.slice(0, 64) }, 'mqtt authentication refused');
            // contract §1: unknown device, wrong secret, decommissioned → "bad username or password".
            done(connackError(BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
            return;
          }
          // contract §1: "Last Will topics pass the same ACL"; refused at CONNECT (as Mosquitto
          // does) so the device learns now, not after it died. The will publish is checked again.
          const will = willTopics.get(client);
          if (will !== undefined && !mayPublish(prefix, identity, will)) {
            registry.countAclViolation(identity.deviceId);
            log.warn({ deviceId: identity.deviceId }, 'mqtt last will outside the device acl');
            done(connackError(NOT_AUTHORIZED, 'not authorized'), false);
            return;
          }
          registry.attach(client, identity);
          done(null, true);
        },
        (err: unknown) => {
          log.error({ err, deviceId: username?.slice(0, 64) }, 'mqtt authentication failed');
          done(connackError(SERVER_UNAVAILABLE, 'server unavailable'), false);
        },
      );
    },

    /**
     * ACL, then ingest: aedes writes a QoS 1 PUBACK as soon as this hook calls back, before it
     * publishes the message on (and before `published`), so this is where the PUBACK can wait for the
     * log (issue 12 "durable log before acknowledgement"). A device's Last Will passes here too.
     */
    authorizePublish(client, packet, callback) {
      // The platform's own publishes (errors, commands) have no client.
      if (!client) return callback(null);
      const identity = registry.identity(client);
      if (identity && mayPublish(prefix, identity, packet.topic)) return ingest(identity.deviceId, packet, callback);
      // contract §1: refused publish → 3.1.1 has no negative PUBACK, so aedes closes the connection.
      if (identity) registry.countAclViolation(identity.deviceId);
      log.warn({ deviceId: identity?.deviceId, topic: packet.topic.slice(0, 256) }, 'mqtt publish outside acl');
      callback(new Error('publish not authorized'));
    },

    authorizeSubscribe(client, subscription, callback) {
      const identity = registry.identity(client);
      if (identity && maySubscribe(prefix, identity, subscription.topic)) return callback(null, subscription);
      // contract §1: SUBACK 0x80, the connection stays up.
      if (identity) registry.countRefusedSubscription(identity.deviceId);
      log.info({ deviceId: identity?.deviceId, topic: subscription.topic.slice(0, 256) }, 'mqtt subscribe refused');
      callback(null, null);
    },

    /** Device messages were taken in `authorizePublish`, before their PUBACK. */
    published(_packet, _client, callback) {
      callback();
    },
  };
}
