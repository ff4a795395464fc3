/**
 * The client side of `pnpm bench:auth-flood`: a login and a CONNECT sent from a chosen loopback
 * address (127.0.0.x: each one a different source to the platform, as NATs would be), and the flood
 * itself, which runs in its own process (`auth-flood.ts --flood`) so its sending never delays the
 * measured login or CONNECT in the orchestrator.
 */
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { MqttClient } from 'mqtt';

export interface Outcome {
  /** HTTP status, or the CONNACK return code (0 = connected); -1 for a transport error. */
  code: number;
  ms: number;
}

/** `POST /api/auth/login` from `from`; resolves with the status and the time to the full answer. */
export function loginFrom(httpUrl: string, from: string, username: string, password: string): Promise<Outcome> {
  const t0 = performance.now();
  const body = JSON.stringify({ username, password });
  return new Promise((resolve) => {
    const req = request(
      new URL('/api/auth/login', httpUrl),
      { method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ code: res.statusCode ?? -1, ms: performance.now() - t0 }));
      },
    );
    req.on('error', () => resolve({ code: -1, ms: performance.now() - t0 }));
    req.end(body);
  });
}

/** An MQTT 3.1.1 CONNECT from `from` with client id = device id; resolves at the CONNACK, then disconnects. */
export function connectFrom(mqttPort: number, from: string, deviceId: string, secret: string): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const client = new MqttClient(() => tcpConnect({ host: '127.0.0.1', port: mqttPort, localAddress: from }), {
      protocolVersion: 4,
      clientId: deviceId,
      username: deviceId,
      password: secret,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    });
    const done = (code: number) => {
      const ms = performance.now() - t0;
      client.end(true);
      resolve({ code, ms });
    };
    client.once('connect', () => done(0));
    client.once('error', (err: Error & { code?: unknown }) => done(typeof err.code === 'number' ? err.code : -1));
  });
}

export interface FloodOrder {
  kind: 'login' | 'connect';
  httpUrl: string;
  mqttPort: number;
  count: number;
  inFlight: number;
  /** Source addresses, taken in turn. */
  addresses: string[];
}

export interface FloodResult {
  seconds: number;
  /** How many of each answer (status or return code). */
  codes: Record<string, number>;
}

/** `count` bad attempts, each with its own made-up name and a wrong secret, `inFlight` at a time. */
export async function flood(order: FloodOrder): Promise<FloodResult> {
  const codes: Record<string, number> = {};
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < order.count) {
      const i = next++;
      const from = order.addresses[i % order.addresses.length] as string;
      const { code } =
        order.kind === 'login'
          ? await loginFrom(order.httpUrl, from, `intruder-${i}`, `guess-${i}-wrong-password`)
          : await connectFrom(order.mqttPort, from, `ghost-${i}`, `not-the-secret-${i}`);
      codes[code] = (codes[code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(order.inFlight, order.count) }, worker));
  return { seconds: (performance.now() - start) / 1000, codes };
}
