import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MqttSide } from './mqtt.ts';

/**
 * One Prometheus registry for the whole process (served by the gateway at `/metrics`): Node's process
 * metrics, the gateway's own, and the MQTT side's counters read at scrape time (gauges, because they
 * are read here, not counted).
 */
export function createMetricsRegistry(gauges: MqttSide['gauges']): Registry {
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
