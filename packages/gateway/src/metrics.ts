import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The gateway's own metrics (contract §4.1 `GET /metrics`), on the prom-client registry the
 * composition root owns, so the broker, ingest and process metrics appear in the same exposition.
 * Label values come from route patterns and event names, never from raw URLs (bounded cardinality).
 */
export class GatewayMetrics {
  private readonly http: Counter<'method' | 'route' | 'status'>;
  private readonly emitted: Counter<'event'>;
  private readonly audit: Counter<'result'>;

  constructor(
    readonly registry: Registry,
    socketsConnected: () => number,
  ) {
    const startedAt = process.hrtime.bigint();
    new Gauge({
      name: 'vigil_process_uptime_seconds',
      help: 'Seconds since the gateway started.',
      registers: [registry],
      collect() {
        this.set(Number(process.hrtime.bigint() - startedAt) / 1e9);
      },
    });
    this.http = new Counter({
      name: 'vigil_http_requests_total',
      help: 'HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    new Gauge({
      name: 'vigil_sockets_connected',
      help: 'Socket.IO clients connected to this gateway.',
      registers: [registry],
      collect() {
        this.set(socketsConnected());
      },
    });
    this.emitted = new Counter({
      name: 'vigil_socket_events_emitted_total',
      help: 'Socket.IO events sent to clients, by event name.',
      labelNames: ['event'],
      registers: [registry],
    });
    this.audit = new Counter({
      name: 'vigil_audit_entries_total',
      help: 'Audit log entries (contract §4.2) by result: stored, or failed (logged at error level instead).',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  httpRequest(method: string, route: string, status: number): void {
    this.http.inc({ method, route, status: String(status) });
  }

  eventEmitted(event: string, n = 1): void {
    this.emitted.inc({ event }, n);
  }

  auditEntry(result: 'stored' | 'failed'): void {
    this.audit.inc({ result });
  }
}
