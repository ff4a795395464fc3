import net from 'node:net';
import mqtt, { type IClientOptions, MqttClient } from 'mqtt';

/**
 * An mqtt.js 5 client with TCP_NODELAY. Neither mqtt.js nor aedes sets it; without it Nagle's
 * algorithm and delayed ACKs stall a QoS 1 round trip ~40 ms (dependencies.md). For plain TCP the
 * socket is created with `noDelay` by our own stream builder, used for every reconnect too; other
 * transports (mqtts, ws) keep mqtt.js's builders and get it set once connected. Credentials in the
 * URL (`mqtt://user:pass@host`) are used unless `opts` names them. Connects at once.
 */
export function createMqttClient(url: string, opts: IClientOptions): MqttClient {
  const parsed = new URL(url);
  const withCredentials: IClientOptions = {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...opts,
  };
  if (parsed.protocol === 'mqtt:' || parsed.protocol === 'tcp:') {
    const host = parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost';
    const port = parsed.port ? Number(parsed.port) : 1883;
    return new MqttClient(() => net.createConnection({ host, port, noDelay: true }), withCredentials);
  }
  const client = mqtt.connect(url, withCredentials);
  client.on('connect', () => {
    const stream = client.stream as { setNoDelay?: (on: boolean) => unknown };
    stream.setNoDelay?.(true);
  });
  return client;
}

/** `mqtt://host:port` without credentials, for logs (STYLE.md §8: never log secrets). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** mqtt.js rejects a subscription the broker refused (SUBACK 0x80 / ≥ 0x80) with the SUBACK attached. */
export function isSubscribeRefusal(err: unknown): boolean {
  const packet = (err as { packet?: { cmd?: unknown } } | null)?.packet;
  return err instanceof Error && packet?.cmd === 'suback';
}
