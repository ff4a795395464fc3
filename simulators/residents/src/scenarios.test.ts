import { describe, expect, it } from 'vitest';
import { checkUplink } from './contract-check.ts';
import { Fleet } from './fleet.ts';
import { MALFORMED_KINDS, SCENARIO_NAMES, sensorScenarios, wearableScenarios } from './scenarios/index.ts';
import { type DeviceSpec, type Emission, HOUR_MS, type PublishEmission } from './types.ts';

// Every scenario is run through the pure generator (no MQTT) for a few simulated hours, and every
// payload it would put on the wire is checked against the contracts the platform enforces.

const START = Date.UTC(2026, 10, 23, 8, 0, 0);
const wearable: DeviceSpec = {
  deviceId: 'band-001',
  secret: 's',
  facilityId: 'lakeside',
  kind: 'wearable',
  residentId: 'res-001',
  zoneId: 'east',
  roomId: 'e-101',
};
const sensor: DeviceSpec = {
  deviceId: 'room-e-101',
  secret: 's',
  facilityId: 'lakeside',
  kind: 'sensor',
  zoneId: 'east',
};

function run(device: DeviceSpec, scenario: string, hours = 3, seed = 'test-seed', rate = 0.2): Emission[] {
  const fleet = new Fleet({ devices: [device], seed, scenario, ratePerSecond: rate, startMs: START });
  const out: Emission[] = [];
  for (let t = START; t <= START + hours * HOUR_MS; t += 60_000) out.push(...fleet.tick(t));
  return out;
}

const publishes = (es: Emission[]) => es.filter((e): e is PublishEmission => e.kind === 'publish');
const samples = (es: Emission[]) =>
  publishes(es)
    .filter((e) => e.label === 'sample')
    .map((e) => JSON.parse(e.payload) as Record<string, number | boolean | undefined>);
const labels = (es: Emission[]) => new Set(publishes(es).map((e) => e.label));

describe('every generated payload satisfies the contracts', () => {
  const cases = [
    ...[...wearableScenarios.keys()].map((name) => [name, wearable] as const),
    ...[...sensorScenarios.keys()].map((name) => [name, sensor] as const),
    ['mixed', wearable] as const,
  ];
  it.each(cases)('%s (%s)', (name, device) => {
    const emitted = publishes(run(device, name));
    expect(emitted.length).toBeGreaterThan(100);
    for (const e of emitted) {
      const result = checkUplink(e.channel, e.payload, e.atMs);
      if (e.malformed) expect(result.ok, `${e.label} must be rejected`).toBe(false);
      else expect(result, `${e.label}: ${e.payload.slice(0, 200)}`).toEqual({ ok: true });
    }
  });
});

describe('scenarios do what they say', () => {
  it('normal: no episode events and physiological values', () => {
    const es = run(wearable, 'normal');
    expect([...labels(es)].filter((l) => l.startsWith('event:'))).toEqual([]);
    const hr = samples(es).flatMap((s) => (typeof s.hr === 'number' ? [s.hr] : []));
    expect(Math.min(...hr)).toBeGreaterThan(40);
    expect(Math.max(...hr)).toBeLessThan(131);
  });

  it('tachycardia raises the heart rate above 120', () => {
    const hr = samples(run(wearable, 'tachycardia')).map((s) => Number(s.hr ?? 0));
    expect(Math.max(...hr)).toBeGreaterThan(120);
  });

  it('desaturation drops SpO2 below 92 %', () => {
    const spo2 = samples(run(wearable, 'desaturation')).flatMap((s) => (typeof s.spo2 === 'number' ? [s.spo2] : []));
    expect(Math.min(...spo2)).toBeLessThan(92);
  });

  it('fever raises the temperature to 38 °C or more', () => {
    const temp = samples(run(wearable, 'fever')).flatMap((s) => (typeof s.temp === 'number' ? [s.temp] : []));
    expect(Math.max(...temp)).toBeGreaterThanOrEqual(38);
  });

  it('sos and fall send their events with the device place', () => {
    for (const type of ['sos', 'fall'] as const) {
      const events = publishes(run(wearable, type)).filter((e) => e.label === `event:${type}`);
      expect(events.length).toBeGreaterThan(0);
      const body = JSON.parse(events[0]?.payload ?? '{}') as { location?: { zoneId?: string } };
      expect(body.location?.zoneId).toBe('east');
    }
  });

  it('wear_off sends wear_off, samples with worn:false and no vitals, then wear_on', () => {
    const es = run(wearable, 'wear_off');
    expect(labels(es)).toContain('event:wear_off');
    expect(labels(es)).toContain('event:wear_on');
    const off = samples(es).filter((s) => s.worn === false);
    expect(off.length).toBeGreaterThan(0);
    for (const s of off) expect(s.hr).toBeUndefined();
  });

  it('device_dying warns of low battery, then drops without reconnecting and stays silent', () => {
    const es = run(wearable, 'device_dying', 2);
    expect(labels(es)).toContain('event:low_battery');
    const dropAt = es.findIndex((e) => e.kind === 'drop');
    expect(dropAt).toBeGreaterThan(0);
    expect(es.slice(dropAt + 1)).toEqual([]);
  });

  it('batch buffers while offline and sends the backlog as batches in ts order after reconnecting', () => {
    const es = run(wearable, 'batch');
    const kinds = es.map((e) => e.kind);
    expect(kinds).toContain('drop');
    expect(kinds).toContain('reconnect');
    const batches = publishes(es).filter((e) => e.label === 'batch');
    expect(batches.length).toBeGreaterThan(0);
    const first = JSON.parse(batches[0]?.payload ?? '{}') as { samples: { ts: number }[] };
    expect(first.samples.length).toBeGreaterThan(10);
    const ts = first.samples.map((s) => s.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  it('malformed cycles through every kind of bad input between valid samples', () => {
    const es = publishes(run(wearable, 'malformed'));
    expect(new Set(es.flatMap((e) => (e.malformed ? [e.malformed] : [])))).toEqual(new Set(MALFORMED_KINDS));
    const valid = es.filter((e) => !e.malformed);
    expect(valid.length).toBeGreaterThan(3 * es.filter((e) => e.malformed).length);
  });

  it('facility sensors report leak, smoke and power loss', () => {
    const telemetry = (name: string) =>
      publishes(run(sensor, name)).map((e) => JSON.parse(e.payload) as Record<string, unknown>);
    expect(telemetry('water_leak').some((t) => t.waterLeak === true)).toBe(true);
    expect(telemetry('smoke').some((t) => t.smoke === true)).toBe(true);
    expect(telemetry('power_loss').some((t) => t.mainsPower === false)).toBe(true);
    expect(telemetry('normal').every((t) => t.waterLeak !== true && t.smoke !== true)).toBe(true);
  });

  it('seq increases strictly per device across all channels', () => {
    const seqs = publishes(run(wearable, 'sos'))
      .filter((e) => !e.malformed && e.label !== 'batch')
      .map((e) => (JSON.parse(e.payload) as { seq: number }).seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
  });
});

describe('determinism', () => {
  it('the same seed gives the same run; another seed a different one', () => {
    const a = run(wearable, 'mixed', 1, 'alpha');
    const b = run(wearable, 'mixed', 1, 'alpha');
    const c = run(wearable, 'normal', 1, 'beta');
    expect(b).toEqual(a);
    expect(publishes(c).map((e) => e.payload)).not.toEqual(
      publishes(run(wearable, 'normal', 1, 'alpha')).map((e) => e.payload),
    );
  });

  it('knows every scenario name it advertises', () => {
    for (const name of SCENARIO_NAMES) expect(() => run(wearable, name, 0.1)).not.toThrow();
  });
});
