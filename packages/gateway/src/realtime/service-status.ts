import { type ServiceStatus, toIso } from '@vigil/contracts';
import type { Clock, Logger } from '@vigil/runtime';
import type { StoreReachability } from '@vigil/stores';
import { RETRY_AFTER_S } from '../errors.ts';
import type { VigilServer } from './types.ts';

/** The `connect_error` of a handshake while the stores are unreachable: message and data say so. */
export function unavailableHandshakeError(): Error & { data: unknown } {
  return Object.assign(new Error('unavailable'), {
    data: { code: 'unavailable', dependency: 'redis', retryAfterS: RETRY_AFTER_S },
  });
}

/** The ack of a client → server request refused while the stores are unreachable. */
export const UNAVAILABLE_ACK = {
  error: { code: 'unavailable', message: 'the state store (Redis) is unreachable; try again shortly' },
} as const;

/**
 * Tells this gateway's sockets when its stores stop and start answering (contract extension `service`,
 * issue 13 "fail fast, say so"): while Redis is away nothing reaches a board, which must not look like
 * a quiet facility. Each gateway watches its own connection, so this goes to its own sockets only.
 * Returns the unsubscribe.
 */
export function announceServiceStatus(
  io: VigilServer,
  reachability: StoreReachability,
  clock: Clock,
  log: Logger,
): () => void {
  return reachability.onChange((reachable) => {
    const status: ServiceStatus = reachable
      ? { type: 'service.available', at: toIso(clock.now()) }
      : { type: 'service.unavailable', at: toIso(clock.now()), dependency: 'redis', retryAfterS: RETRY_AFTER_S };
    log.warn({ status: status.type, sockets: io.of('/').sockets.size }, 'state store reachability changed');
    io.local.emit('service', status);
  });
}

/**
 * `work` unless the stores are or become unreachable first: then `fallback` at once. What `work` waits
 * on still runs when they are back; its result is dropped.
 */
export function unlessUnreachable<T>(reachability: StoreReachability | undefined, work: () => Promise<T>, fallback: T) {
  if (!reachability) return work();
  if (!reachability.reachable()) return Promise.resolve(fallback);
  return new Promise<T>((resolve, reject) => {
    const stop = reachability.onChange((reachable) => {
      if (reachable) return;
      stop();
      resolve(fallback);
    });
    work().then(
      (value) => {
        stop();
        resolve(value);
      },
      (err: unknown) => {
        stop();
        reject(err);
      },
    );
  });
}
