import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { judgeDeviceEvent } from './event-rules.ts';
import { observeSensorReading } from './sensor-rules.ts';

describe('judgeDeviceEvent', () => {
  it('raises SOS and fall as high priority at once', () => {
    expect(judgeDeviceEvent('sos')).toMatchObject({ kind: 'sos', priority: 'high' });
    expect(judgeDeviceEvent('fall')).toMatchObject({ kind: 'fall', priority: 'high' });
  });
  it('treats wear-off as a low technical alarm and ignores wear-on and cancel', () => {
    expect(judgeDeviceEvent('wear_off')).toMatchObject({ kind: 'device.not_worn', priority: 'low' });
    expect(judgeDeviceEvent('wear_on')).toBeUndefined();
    expect(judgeDeviceEvent('sos_cancel')).toBeUndefined();
  });
});

describe('observeSensorReading', () => {
  const s = DEFAULT_RULE_SETTINGS;
  it('judges smoke high and clear readings as clear', () => {
    const o = observeSensorReading({ ts: 0, smoke: true, waterLeak: false, mainsPower: true, airTemp: 24 }, s, 'd1');
    expect(o.find((x) => x.kind === 'facility.smoke')).toMatchObject({ point: { tier: 1 }, priority: { 1: 'high' } });
    expect(o.filter((x) => x.kind !== 'facility.smoke').every((x) => x.point.tier === 0 && x.point.clear)).toBe(true);
  });
  it('flags power loss at once and room temperature with a window and a clear band', () => {
    const o = observeSensorReading({ ts: 0, mainsPower: false, airTemp: 34 }, s, 'd1');
    expect(o.map((x) => [x.kind, x.point.tier, x.spec.forMs])).toEqual([
      ['facility.power_loss', 1, 0],
      ['facility.air_temp', 1, 600_000],
    ]);
    // 31.5 °C is under the limit but inside the 1 °C clear margin.
    expect(observeSensorReading({ ts: 0, airTemp: 31.5 }, s, 'd1')[0]?.point).toMatchObject({ tier: 0, clear: false });
    expect(observeSensorReading({ ts: 0, airTemp: 30 }, s, 'd1')[0]?.point).toMatchObject({ tier: 0, clear: true });
  });
});
