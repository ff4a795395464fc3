import { describe, expect, it } from 'vitest';
import { sharedLaneFilters, sharedUplinkFilter, toUplink } from './uplink.ts';

describe('sharedUplinkFilter', () => {
  it('is the shared subscription over every device topic of the prefix', () => {
    expect(sharedUplinkFilter('care')).toBe('$share/vigil/care/+/devices/+/+');
    expect(sharedUplinkFilter('homes', 'workers')).toBe('$share/workers/homes/+/devices/+/+');
  });
});

describe('sharedLaneFilters', () => {
  it('gives calls for help a lane of their own and every other uplink channel to the routine lane', () => {
    expect(sharedLaneFilters('care', 'urgent')).toEqual(['$share/vigil/care/+/devices/+/events']);
    expect(sharedLaneFilters('homes', 'routine', 'workers').sort()).toEqual([
      '$share/workers/homes/+/devices/+/status',
      '$share/workers/homes/+/devices/+/telemetry',
      '$share/workers/homes/+/devices/+/vitals',
    ]);
  });
});

describe('toUplink', () => {
  const payload = Buffer.from('{"ts":1,"hr":70}');

  it('takes the device id from an uplink topic', () => {
    for (const channel of ['vitals', 'events', 'telemetry', 'status']) {
      const topic = `care/fac-a/devices/band-1/${channel}`;
      expect(toUplink('care', topic, payload, 42)).toEqual({ deviceId: 'band-1', topic, payload, receivedAt: 42 });
    }
  });

  it('ignores downlink channels, other prefixes and malformed topics', () => {
    for (const topic of [
      'care/fac-a/devices/band-1/errors',
      'care/fac-a/devices/band-1/commands',
      'care/fac-a/devices/band-1/secrets',
      'other/fac-a/devices/band-1/vitals',
      'care/fac-a/residents/band-1/vitals',
      'care/fac a/devices/band-1/vitals',
    ]) {
      expect(toUplink('care', topic, payload, 42)).toBeUndefined();
    }
  });
});
