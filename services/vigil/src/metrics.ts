import type { EmbeddedBroker } from '@vigil/broker';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * One Prometheus registry for the whole process (served by the gateway at `/metrics`): Node's process
 * metrics, the gateway's own, and the embedded broker's counters read at scrape time.
 */
export function createMetricsRegistry(broker: Pick<EmbeddedBroker, 'stats'>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const brokerGauge = (name: string, help: string, read: (s: ReturnType<EmbeddedBroker['stats']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(broker.stats()));
      },
    });
  // Counters in the broker's own terms; exposed as gauges because they are read, not incremented, here.
  brokerGauge(
    'vigil_mqtt_devices_connected',
    'Devices with an authenticated MQTT connection.',
    (s) => s.connectedDevices,
  );
  brokerGauge(
    'vigil_mqtt_auth_failures',
    'MQTT CONNECTs refused for bad credentials (return code 4).',
    (s) => s.authFailures,
  );
  brokerGauge(
    'vigil_mqtt_acl_violations',
    "Publishes outside the device's own topics (connection closed).",
    (s) => s.aclViolations,
  );
  brokerGauge(
    'vigil_mqtt_refused_subscriptions',
    'Subscriptions refused with SUBACK 0x80.',
    (s) => s.refusedSubscriptions,
  );
  brokerGauge(
    'vigil_mqtt_oversized_packets',
    'MQTT packets over the size limit (connection closed).',
    (s) => s.oversizedPackets,
  );
  brokerGauge('vigil_mqtt_uplink_failures', 'Accepted publishes whose processing failed.', (s) => s.uplinkFailures);
  return registry;
}
