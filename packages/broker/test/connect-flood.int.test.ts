import { connect as tcpConnect } from 'node:net';
import { defaultArgon2Limits, limitArgon2 } from '@vigil/auth';
import { createMemoryStores } from '@vigil/stores';
import { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerHarness, provision, SECRET, startBroker } from './fixtures.ts';

/**
 * Issue 13 "cheap where unauthenticated", through MQTT CONNECT: refused CONNECTs back off per source
 * address and device id, answered with CONNACK 3 without reading or verifying anything; successes are
 * never limited. Devices connect from their own loopback addresses (127.0.0.x), as behind NATs.
 */
let h: BrokerHarness | undefined;
afterEach(async () => {
  limitArgon2(defaultArgon2Limits());
  await h?.close();
  h = undefined;
});

/** CONNECTs from `from` and resolves with the CONNACK return code (0: connected, then closed). */
function connackFrom(port: number, from: string, deviceId: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new MqttClient(() => tcpConnect({ host: '127.0.0.1', port, localAddress: from }), {
      protocolVersion: 4,
      clientId: deviceId,
      username: deviceId,
      password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (err: Error & { code?: unknown }) => {
      client.end(true);
      if (typeof err.code === 'number') resolve(err.code);
      else reject(err);
    });
  });
}

/** `n` CONNECTs with made-up device ids and secrets, `parallel` at a time; the return codes. */
async function flood(port: number, from: string, n: number, parallel = 25): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - i) }, (_, j) =>
      connackFrom(port, from, `guess-${i + j}`, 'not-a-secret'),
    );
    codes.push(...(await Promise.all(batch)));
  }
  return codes;
}

const count = (codes: number[], code: number) => codes.filter((c) => c === code).length;

describe('CONNECT flood (issue 13)', () => {
  it('a flood of bad CONNECTs from one address backs off, and good devices still connect', async () => {
    h = await startBroker();
    await provision(h.stores, [{ id: 'dev-1' }, { id: 'dev-2' }]);
    // dev-1 lives behind the flooding address (a shared NAT) and connected from there before.
    expect(await connackFrom(h.port, '127.0.0.2', 'dev-1', SECRET)).toBe(0);
    const codes = await flood(h.port, '127.0.0.2', 300);
    expect(count(codes, 4)).toBeLessThanOrEqual(110);
    expect(count(codes, 3)).toBeGreaterThanOrEqual(190);
    expect(count(codes, 3) + count(codes, 4)).toBe(300);
    expect(await connackFrom(h.port, '127.0.0.2', 'dev-1', SECRET)).toBe(0);
    expect(await connackFrom(h.port, '127.0.0.3', 'dev-2', SECRET)).toBe(0);
  });

  it('a device that will never get in backs off on its own, without locking out its neighbours', async () => {
    h = await startBroker();
    await provision(h.stores, [{ id: 'dev-gone', state: 'decommissioned' }, { id: 'dev-2' }]);
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push(await connackFrom(h.port, '127.0.0.4', 'dev-gone', SECRET));
    expect(codes).toEqual([4, 4, 4, 4, 4, 3, 3, 3]);
    // Never connected from there before, and still not held back by its neighbour's failures.
    expect(await connackFrom(h.port, '127.0.0.4', 'dev-2', SECRET)).toBe(0);
    // Successes are never limited: a device reconnecting again and again.
    for (let i = 0; i < 30; i++) expect(await connackFrom(h.port, '127.0.0.4', 'dev-2', SECRET)).toBe(0);
  });

  it('without a pepper (argon2id decoys), a full gate answers CONNACK 3 at once instead of queueing', async () => {
    h = await startBroker(undefined, createMemoryStores(), { unpeppered: true });
    limitArgon2({ maxConcurrent: 1, maxQueued: 1 });
    const codes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => connackFrom(h?.port ?? 0, `127.0.3.${i + 1}`, `ghost-${i}`, 'nope')),
    );
    expect(count(codes, 3)).toBeGreaterThan(0);
    expect(count(codes, 3) + count(codes, 4)).toBe(12);
    // A busy refusal is not a failure: the same id from the same address gets its five tries after.
    limitArgon2(defaultArgon2Limits());
    const i = codes.indexOf(3);
    const again: number[] = [];
    for (let k = 0; k < 5; k++) again.push(await connackFrom(h.port, `127.0.3.${i + 1}`, `ghost-${i}`, 'nope'));
    expect(again).toEqual([4, 4, 4, 4, 4]);
  });
});
