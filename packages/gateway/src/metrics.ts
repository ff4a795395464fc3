/**
 * Gateway metrics in the Prometheus text format (contract §4.1 `GET /metrics`). Hand-rolled: a few
 * counters do not justify prom-client, and label values here come from route patterns, never from
 * raw URLs (bounded cardinality).
 */
export class GatewayMetrics {
  private readonly startedAt = process.hrtime.bigint();
  private readonly http = new Map<string, number>();
  private readonly emitted = new Map<string, number>();

  httpRequest(method: string, route: string, status: number): void {
    const key = `method="${method}",route="${escapeLabel(route)}",status="${status}"`;
    this.http.set(key, (this.http.get(key) ?? 0) + 1);
  }

  eventEmitted(event: string, n = 1): void {
    this.emitted.set(event, (this.emitted.get(event) ?? 0) + n);
  }

  render(socketsConnected: number, extra?: string): string {
    const uptimeS = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const lines = [
      '# HELP vigil_process_uptime_seconds Seconds since the gateway started.',
      '# TYPE vigil_process_uptime_seconds gauge',
      `vigil_process_uptime_seconds ${uptimeS.toFixed(3)}`,
      '# HELP vigil_http_requests_total HTTP requests by method, route pattern and status.',
      '# TYPE vigil_http_requests_total counter',
      ...[...this.http].map(([labels, n]) => `vigil_http_requests_total{${labels}} ${n}`),
      '# HELP vigil_sockets_connected Socket.IO clients connected to this gateway.',
      '# TYPE vigil_sockets_connected gauge',
      `vigil_sockets_connected ${socketsConnected}`,
      '# HELP vigil_socket_events_emitted_total Socket.IO events sent to clients, by event name.',
      '# TYPE vigil_socket_events_emitted_total counter',
      ...[...this.emitted].map(([event, n]) => `vigil_socket_events_emitted_total{event="${escapeLabel(event)}"} ${n}`),
    ];
    const text = `${lines.join('\n')}\n`;
    return extra ? `${text}${extra.endsWith('\n') ? extra : `${extra}\n`}` : text;
  }
}

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
