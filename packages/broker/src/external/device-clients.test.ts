import { describe, expect, it } from 'vitest';
import { isBound, isDeviceClient } from './device-clients.ts';
import { consumerClientId, gatewayClientId, isPlatformClientId, provisionerClientId } from './platform-client-ids.ts';

describe('which dynsec clients are devices (contract §1 binding)', () => {
  it('is a device client only with its own device role and nothing else', () => {
    const device = { username: 'band-1', roles: [{ rolename: 'vigil-device-band-1' }] };
    expect(isDeviceClient(device)).toBe(true);
    expect(isDeviceClient({ username: 'band-1', roles: [{ rolename: 'vigil-device-band-2' }] })).toBe(false);
    expect(isDeviceClient({ username: 'vigil-engine', roles: [{ rolename: 'vigil-platform' }] })).toBe(false);
    expect(isDeviceClient({ username: 'band-1', roles: [] })).toBe(false);
    expect(isDeviceClient({ username: 'band-1', roles: [...device.roles, { rolename: 'admin' }] })).toBe(false);
  });

  it('is bound when its client id is its username', () => {
    expect(isBound({ username: 'band-1', clientid: 'band-1', roles: [] })).toBe(true);
    expect(isBound({ username: 'band-1', roles: [] })).toBe(false);
    expect(isBound({ username: 'band-1', clientid: 'band-2', roles: [] })).toBe(false);
  });
});

describe("the platform's client ids", () => {
  it('are all in the reserved space, and device-like ids are not', () => {
    for (const id of [
      consumerClientId('e1', 'urgent'),
      consumerClientId('e1', 3),
      gatewayClientId(),
      provisionerClientId(),
    ]) {
      expect(isPlatformClientId(id), id).toBe(true);
    }
    for (const id of ['band-1', 'vigil-lobby-sensor', 'vigil-engine', 'w1'])
      expect(isPlatformClientId(id), id).toBe(false);
  });

  it('are stable for a consumer (its session resumes) and fresh for the others', () => {
    expect(consumerClientId('e1', 0)).toBe('vigil-engine-e1-0');
    expect(gatewayClientId()).not.toBe(gatewayClientId());
  });
});
