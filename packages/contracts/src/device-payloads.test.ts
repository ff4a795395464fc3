import { describe, expect, it } from 'vitest';
import { DeviceCommand, DeviceStatus } from './device-status.ts';
import { DeviceEvent } from './device-events.ts';
import { SensorTelemetry } from './telemetry.ts';
import { VitalsBatch, VitalsBatchEnvelope, VitalsSample } from './vitals.ts';
import { IngestErrorMessage } from './ingest-errors.ts';

const TS = 1795342506384;

describe('VitalsSample (contract §1.1)', () => {
  it('accepts the contract example and ignores unknown fields', () => {
    const r = VitalsSample.safeParse({
      ts: TS,
      seq: 42,
      hr: 72,
      spo2: 97,
      rr: 16,
      sbp: 121,
      dbp: 79,
      temp: 36.7,
      onOxygen: false,
      consciousness: 'A',
      battery: 81,
      worn: true,
      steps: 5230,
      firmware: '2.1',
    });
    expect(r.success).toBe(true);
    expect(r.data).not.toHaveProperty('firmware');
  });

  it('normalises an ISO timestamp to epoch ms', () => {
    expect(VitalsSample.parse({ ts: '2026-11-23T09:00:00Z', hr: 70 }).ts).toBe(Date.parse('2026-11-23T09:00:00Z'));
  });

  it.each([
    ['no ts', { hr: 70 }],
    ['no measurement', { ts: TS }],
    ['hr above 300', { ts: TS, hr: 301 }],
    ['spo2 above 100', { ts: TS, spo2: 101 }],
    ['temp below 25', { ts: TS, temp: 24.9 }],
    ['string for a number', { ts: TS, hr: '72' }],
    ['unknown ACVPU level', { ts: TS, consciousness: 'X' }],
    ['negative seq', { ts: TS, seq: -1, hr: 70 }],
    ['fractional steps', { ts: TS, steps: 1.5 }],
    ['garbage ts', { ts: 'yesterday', hr: 70 }],
  ])('rejects %s', (_name, payload) => {
    expect(VitalsSample.safeParse(payload).success).toBe(false);
  });

  it('accepts the bounds themselves', () => {
    expect(VitalsSample.safeParse({ ts: TS, hr: 0, spo2: 100, temp: 25 }).success).toBe(true);
    expect(VitalsSample.safeParse({ ts: TS, hr: 300, temp: 45 }).success).toBe(true);
  });
});

describe('VitalsBatch', () => {
  it('accepts up to 1000 samples and rejects more or none', () => {
    const s = { ts: TS, hr: 70 };
    expect(VitalsBatch.safeParse({ samples: Array(1000).fill(s) }).success).toBe(true);
    expect(VitalsBatchEnvelope.safeParse({ samples: Array(1001).fill(s) }).success).toBe(false);
    expect(VitalsBatchEnvelope.safeParse({ samples: [] }).success).toBe(false);
    expect(VitalsBatchEnvelope.safeParse({ samples: 'x' }).success).toBe(false);
  });
});

describe('DeviceEvent (contract §1.2)', () => {
  it('accepts both location shapes', () => {
    expect(
      DeviceEvent.safeParse({ ts: TS, type: 'sos', location: { lat: 30.27, lon: 120.16, accuracyM: 8 } }).success,
    ).toBe(true);
    expect(DeviceEvent.safeParse({ ts: TS, type: 'fall', location: { roomId: 'r-101' } }).success).toBe(true);
  });
  it.each([
    [{ ts: TS, type: 'panic' }],
    [{ ts: TS }],
    [{ ts: TS, type: 'sos', location: { lat: 91, lon: 0 } }],
    [{ ts: TS, type: 'sos', location: {} }],
    [{ ts: TS, type: 'sos', location: { roomId: 'no spaces allowed' } }],
  ])('rejects %j', (payload) => {
    expect(DeviceEvent.safeParse(payload).success).toBe(false);
  });
});

describe('SensorTelemetry (contract §1.3)', () => {
  it('accepts any non-empty subset', () => {
    expect(SensorTelemetry.safeParse({ ts: TS, waterLeak: true }).success).toBe(true);
    expect(SensorTelemetry.safeParse({ ts: TS, airTemp: 24.5, humidity: 48, co: 2, doorOpen: false }).success).toBe(
      true,
    );
  });
  it('rejects an empty reading and wrong types', () => {
    expect(SensorTelemetry.safeParse({ ts: TS }).success).toBe(false);
    expect(SensorTelemetry.safeParse({ ts: TS, smoke: 'yes' }).success).toBe(false);
    expect(SensorTelemetry.safeParse({ ts: TS, humidity: 101 }).success).toBe(false);
  });
});

describe('status, commands, errors', () => {
  it('validates the status and Last Will payloads', () => {
    expect(DeviceStatus.safeParse({ state: 'offline' }).success).toBe(true);
    expect(DeviceStatus.safeParse({ state: 'sleeping' }).success).toBe(false);
  });
  it('validates commands and error messages', () => {
    expect(DeviceCommand.safeParse({ type: 'vibrate', alertId: 'al_1' }).success).toBe(true);
    expect(DeviceCommand.safeParse({ type: 'reboot' }).success).toBe(false);
    // Extension (issue 15): a resident's transfer re-binds their wearable to another facility.
    expect(DeviceCommand.safeParse({ type: 'rebind', facilityId: 'hillside' }).success).toBe(true);
    expect(DeviceCommand.safeParse({ type: 'rebind', facilityId: 'no such/topic' }).success).toBe(false);
    expect(
      IngestErrorMessage.safeParse({ ts: '2026-11-23T09:00:00.000Z', topic: 't', code: 'invalid_json', detail: 'x' })
        .success,
    ).toBe(true);
    expect(
      IngestErrorMessage.safeParse({ ts: '2026-11-23T09:00:00.000Z', topic: 't', code: 'oops', detail: 'x' }).success,
    ).toBe(false);
  });
});
