import type { Socket } from 'node:net';
import { type BackoffPolicy, DEFAULT_BACKOFF, FailureBackoff } from '@vigil/auth';
import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import type { Clock, Logger } from '@vigil/runtime';

type AuthenticateHook = NonNullable<AedesOptions['authenticate']>;

/** 3.1.1 CONNACK return codes (as in hooks.ts). */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * Devices back off like logins (packages/auth failure-backoff.ts; issue 13), but a facility's
 * wearables share one NAT address and reconnect all at once after an outage, so the address scope is
 * looser than for people: 100 free failures, at most 10 s. Secrets are 256-bit random values, so the
 * pair and device id scopes are not about guessing; they keep a device that will never get in (wrong
 * secret, decommissioned, retrying forever) from costing a store read per retry.
 */
export const DEVICE_BACKOFF: { pair: BackoffPolicy; name: BackoffPolicy; address: BackoffPolicy } = {
  pair: DEFAULT_BACKOFF.pair,
  name: { ...DEFAULT_BACKOFF.name, freeFailures: 20 },
  address: { freeFailures: 100, baseDelayMs: 1000, maxDelayMs: 10_000 },
};

export function deviceBackoff(clock: Clock): FailureBackoff {
  return new FailureBackoff({ clock, ...DEVICE_BACKOFF });
}

/** Where a CONNECT came from: the TCP peer, or the HTTP request's for MQTT over WebSocket. */
function remoteAddressOf(client: Client): string | undefined {
  return (client.conn as Partial<Socket>).remoteAddress ?? client.req?.socket.remoteAddress;
}

/**
 * Wraps the aedes `authenticate` hook with the back-off: while a device id, its address or the pair
 * backs off, the CONNECT is answered at once with CONNACK 3 "server unavailable" (nothing read,
 * nothing verified), which a device takes as "try again later" where 4 could make it give up on a
 * secret that may be right. Only "bad username or password" (4) counts as a failure; a success
 * clears; any other refusal (will outside the ACL, server busy) counts neither way.
 */
export function guardConnect(authenticate: AuthenticateHook, backoff: FailureBackoff, log: Logger): AuthenticateHook {
  return (client, username, password, done) => {
    // Ids are bounded (contract: 64 characters); a longer username is still keyed, by its start.
    const name = (username ?? '').slice(0, 128);
    const verdict = backoff.check(remoteAddressOf(client), name);
    if (!verdict.allowed) {
      log.debug({ deviceId: name.slice(0, 64), scope: verdict.scope }, 'mqtt connect backing off');
      const err = Object.assign(new Error('server unavailable'), { returnCode: SERVER_UNAVAILABLE });
      done(err as AuthenticateError, false);
      return;
    }
    const { attempt } = verdict;
    authenticate(client, username, password, (err, ok) => {
      if (!err && ok) attempt.succeeded();
      else if (err?.returnCode === BAD_USERNAME_OR_PASSWORD) attempt.failed();
      else attempt.abandoned();
      done(err, ok);
    });
  };
}
