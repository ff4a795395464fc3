import { describe, expect, it } from 'vitest';
import { judgeDeviceEvent } from './event-rules.ts';
import { judgeSensorReading } from './sensor-rules.ts';

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

describe('judgeSensorReading', () => {
  it('judges smoke high and reports clear readings as inactive', () => {
    const f = judgeSensorReading({ smoke: true, waterLeak: false, mainsPower: true, airTemp: 24 });
    expect(f.find((x) => x.kind === 'facility.smoke')).toMatchObject({ active: true, priority: 'high' });
    expect(f.filter((x) => x.kind !== 'facility.smoke').every((x) => !x.active)).toBe(true);
  });
  it('flags power loss and extreme room temperature', () => {
    const f = judgeSensorReading({ mainsPower: false, airTemp: 34 });
    expect(f.map((x) => [x.kind, x.active])).toEqual([
      ['facility.power_loss', true],
      ['facility.air_temp', true],
    ]);
  });
});
