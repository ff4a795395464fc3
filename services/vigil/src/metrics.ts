import { argon2Stats } from '@vigil/auth';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MqttSide } from './mqtt.ts';

/**
 * One Prometheus registry for the whole process (served by the gateway at `/metrics`): Node's process
 * metrics, the gateway's own, and the MQTT side's counters read at scrape time (gauges, because they
 * are read here, not counted).
 */
export function createMetricsRegistry(gauges: readonly GaugeSpec[]): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  for (const [name, help, read] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  }
  return registry;
}

type GaugeSpec = MqttSide['gauges'][number];

/**
 * What an operator watches through a failure (docs/deploy.md "Failure behaviour"): how many partitions
 * this process owns (after an engine dies, the survivors' sum returns to the total), and whether Redis
 * answers (with it away nothing is acknowledged and `/readyz` answers 503).
 */
export function engineGauges(partitionsOwned: () => number, redisConnected?: () => boolean): GaugeSpec[] {
  const gauges: GaugeSpec[] = [
    ['vigil_partitions_owned', 'Partitions whose records this process applies now (leases held).', partitionsOwned],
  ];
  if (redisConnected)
    gauges.push([
      'vigil_redis_connected',
      'The stores connection to Redis is up and answering (1) or not (0).',
      () => (redisConnected() ? 1 : 0),
    ]);
  return gauges;
}

/** The argon2id work gate (issue 13): a `refused` that climbs means logins answered 503 `busy`. */
export function argon2Gauges(): GaugeSpec[] {
  return [
    ['vigil_argon2_running', 'argon2id hashes and verifications running now.', () => argon2Stats().running],
    ['vigil_argon2_queued', 'argon2id work waiting for a slot now.', () => argon2Stats().queued],
    [
      'vigil_argon2_refused',
      'argon2id work refused because the queue was full (logins answered 503 busy, CONNACK 3), since start.',
      () => argon2Stats().refused,
    ],
  ];
}
