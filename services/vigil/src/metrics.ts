import type { EmbeddedBroker } from '@vigil/broker';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

type BrokerStats = ReturnType<EmbeddedBroker['stats']>;

/** The broker's counters as exposed, in its own terms: gauges, because they are read here, not counted. */
const BROKER_GAUGES: readonly [name: string, help: string, read: (s: BrokerStats) => number][] = [
  ['vigil_mqtt_devices_connected', 'Devices with an authenticated MQTT connection.', (s) => s.connectedDevices],
  ['vigil_mqtt_auth_failures', 'MQTT CONNECTs refused for bad credentials (return code 4).', (s) => s.authFailures],
  [
    'vigil_mqtt_acl_violations',
    "Publishes outside the device's own topics (connection closed).",
    (s) => s.aclViolations,
  ],
  ['vigil_mqtt_refused_subscriptions', 'Subscriptions refused with SUBACK 0x80.', (s) => s.refusedSubscriptions],
  ['vigil_mqtt_oversized_packets', 'MQTT packets over the size limit (connection closed).', (s) => s.oversizedPackets],
  ['vigil_mqtt_uplink_failures', 'Accepted publishes whose processing failed.', (s) => s.uplinkFailures],
];

/**
 * One Prometheus registry for the whole process (served by the gateway at `/metrics`): Node's process
 * metrics, the gateway's own, and the embedded broker's counters read at scrape time.
 */
export function createMetricsRegistry(broker: Pick<EmbeddedBroker, 'stats'>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  for (const [name, help, read] of BROKER_GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(broker.stats()));
      },
    });
  }
  return registry;
}
