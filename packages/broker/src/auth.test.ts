import { Writable } from 'node:stream';
import { hashDeviceSecret, hashSecret, randomDevicePeppers } from '@vigil/auth';
import { createMemoryStores, type DeviceRecord, type DeviceStore } from '@vigil/stores';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DeviceAuthenticator } from './auth.ts';

const SECRET = 'a-device-secret-of-43-characters-0123456789';
const peppers = randomDevicePeppers();

function device(secretHash: string, over: Partial<DeviceRecord> = {}): DeviceRecord {
  return { id: 'dev-1', kind: 'wearable', facilityId: 'f1', secretHash, state: 'provisioned', createdAt: 1, ...over };
}

/** A pino logger whose lines the test reads back. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('DeviceAuthenticator (issue 12)', () => {
  it('a rewrite that fails is logged, never logs the secret or a hash, and still lets the device in', async () => {
    const stores = createMemoryStores();
    const legacy = await hashSecret(SECRET);
    await stores.devices.put(device(legacy));
    // The store is up for reads, but the rewrite fails (e.g. Redis failing over mid-connect).
    const devices: DeviceStore = {
      put: (d) => stores.devices.put(d),
      get: (id) => stores.devices.get(id),
      snapshot: (id) => stores.devices.snapshot(id),
      list: (f) => stores.devices.list(f),
      touch: (id, p) => stores.devices.touch(id, p),
      setSecretHash: () => Promise.reject(new Error('connection lost')),
    };
    const { log, lines } = capturedLogger();
    const auth = new DeviceAuthenticator(devices, { peppers, log });
    expect(await auth.authenticate('dev-1', Buffer.from(SECRET))).toEqual({ deviceId: 'dev-1', facilityId: 'f1' });
    expect((await stores.devices.get('dev-1'))?.secretHash).toBe(legacy);
    expect(lines.join('')).toContain('retried at its next connect');
    for (const forbidden of [SECRET, legacy, hashDeviceSecret(SECRET, peppers.current)]) {
      expect(lines.join('')).not.toContain(forbidden);
    }
  });

  it('with a pepper, refuses unknown, decommissioned, wrong-secret and empty credentials', async () => {
    const stores = createMemoryStores();
    await stores.devices.put(device(hashDeviceSecret(SECRET, peppers.current)));
    await stores.devices.put(
      device(hashDeviceSecret(SECRET, peppers.current), { id: 'dev-gone', state: 'decommissioned' }),
    );
    const auth = new DeviceAuthenticator(stores.devices, { peppers });
    expect(await auth.authenticate('nobody', Buffer.from(SECRET))).toBeUndefined();
    expect(await auth.authenticate('dev-gone', Buffer.from(SECRET))).toBeUndefined();
    expect(await auth.authenticate('dev-1', Buffer.from('wrong'))).toBeUndefined();
    expect(await auth.authenticate('dev-1', Buffer.alloc(0))).toBeUndefined();
    expect(await auth.authenticate(undefined, Buffer.from(SECRET))).toBeUndefined();
    expect(await auth.authenticate('dev-1', Buffer.from(SECRET))).toEqual({ deviceId: 'dev-1', facilityId: 'f1' });
  });
});
