import type { Explanation } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { calledAgain, clockTime, conditionStatus, duration, explain, OUTCOME_LABEL, since } from './format.ts';

const SINCE = '2025-03-01T09:58:00.000Z';
const CLEARED = '2025-03-01T10:05:30.000Z';
const hhmm = (iso: string) => clockTime(Date.parse(iso));
const hhmmss = (iso: string) => clockTime(Date.parse(iso), true);

const vitalExplanation: Explanation = {
  rule: 'vital-threshold.spo2_low@3',
  condition: 'SpO2 ≤ 91 % for 2 min',
  inputs: { spo2: 89, ts: '2025-03-01T10:00:00.000Z', deviceId: 'd1', since: SINCE },
  window: '2 min of device time',
};

describe('conditionStatus', () => {
  it('says an ongoing condition holds, since when it began', () => {
    const s = conditionStatus({ state: 'active', conditionHolds: true, explanation: vitalExplanation });
    expect(s).toEqual({ holds: true, text: `Condition ongoing since ${hhmm(SINCE)}` });
  });

  it('says "ongoing" without a time when the explanation has no start', () => {
    const explanation = { ...vitalExplanation, inputs: { spo2: 89 } };
    expect(conditionStatus({ state: 'acknowledged', conditionHolds: true, explanation })?.text).toBe(
      'Condition ongoing',
    );
  });

  it('tells the caregiver a latched alert whose condition cleared still needs a person', () => {
    const s = conditionStatus({
      state: 'active',
      conditionHolds: false,
      conditionClearedAt: CLEARED,
      explanation: vitalExplanation,
    });
    expect(s).toEqual({
      holds: false,
      text: `Condition cleared at ${hhmm(CLEARED)} — check the resident, then resolve`,
    });
  });

  it('says nothing for one-off events and for resolved alerts', () => {
    expect(conditionStatus({ state: 'active', explanation: vitalExplanation })).toBeUndefined();
    expect(
      conditionStatus({
        state: 'resolved',
        conditionHolds: false,
        conditionClearedAt: CLEARED,
        explanation: vitalExplanation,
      }),
    ).toBeUndefined();
  });
});

describe('explain', () => {
  it('shows the persistence window on its own and the start time unless the card says it already', () => {
    const e = explain(vitalExplanation, 'vital.spo2_low');
    expect(e.condition).toBe('SpO2 ≤ 91 % for 2 min');
    expect(e.window).toBe('2 min of device time');
    expect(e.inputs).toContain('SpO2: 89 %');
    expect(e.inputs).toContain(`Began ${hhmmss(SINCE)}`);
    expect(explain(vitalExplanation, 'vital.spo2_low', { omitSince: true }).inputs.join(' ')).not.toContain('Began');
  });

  it('has no window when the rule has none', () => {
    expect(explain({ rule: 'event.sos@1', condition: 'SOS pressed', inputs: {} }, 'sos').window).toBeUndefined();
  });

  it('reads the resting-HR baseline as usual value, spread and limit in bpm', () => {
    const e = explain(
      {
        rule: 'baseline.resting_hr@2',
        condition: "resting heart rate above the resident's own baseline",
        inputs: { hr: 98, baselineMean: 71.6, baselineSd: 4.2, limit: 86, deviceId: 'd1' },
        window: 'baseline half-life 7 d',
      },
      'vital.hr_baseline',
    );
    expect(e.inputs).toEqual([
      'Heart rate: 98 bpm',
      'Usual resting: 71.6 ± 4.2 bpm',
      'Alert above: 86 bpm',
      'Device d1',
    ]);
    expect(e.window).toBe('baseline half-life 7 d');
  });

  it('names how the alert was raised, every tier of limits, the readings behind it and late data', () => {
    const e = explain(
      {
        rule: 'vital-threshold.spo2_low@1',
        condition: 'SpO2 ≤ 85 % (critical limit)',
        path: 'critical_stream',
        late: { observedAt: '2025-03-01T10:00:05.000Z', delayMs: 30 * 60_000 },
        inputs: {
          spo2: 80,
          limits: { low: 93, criticalLow: 91, clearMargin: 2, critical: { low: 85 } },
          readings: { pastLimit: 6, total: 6 },
        },
      },
      'vital.spo2_low',
    );
    expect(e.path).toBe('critical limit, a few seconds of readings');
    expect(e.late).toBe(`taken ${hhmmss('2025-03-01T10:00:05.000Z')}, arrived ${duration(30 * 60_000)} later`);
    expect(e.inputs).toEqual([
      'SpO2: 80 %',
      'Limits: alert ≤ 93 %, high ≤ 91 %, critical ≤ 85 %',
      'Readings past the limit: 6 of 6',
    ]);
  });

  it('reads stale data as how long the device has been silent', () => {
    const lastSeenAt = '2025-03-01T09:40:00.000Z';
    const e = explain(
      {
        rule: 'device-technical.no_data@1',
        condition: 'connected but no data for 15 min',
        inputs: { deviceId: 'd1', lastSeenAt, ageMs: 20 * 60_000 },
      },
      'device.no_data',
    );
    expect(e.inputs).toEqual(['Device d1', `Last seen ${hhmmss(lastSeenAt)}`, 'No data for: 20 min']);
  });

  it('reads inactivity as when the resident last moved', () => {
    const lastMoveAt = '2025-03-01T07:15:00.000Z';
    const e = explain(
      { rule: 'activity.inactivity@1', condition: 'no steps for 3 h', inputs: { lastMoveAt, steps: 1520 } },
      'resident.inactivity',
    );
    expect(e.inputs).toEqual([`Last moved ${hhmmss(lastMoveAt)}`, 'Step count: 1520']);
    const never = explain(
      { rule: 'activity.inactivity@1', condition: 'no steps for 3 h', inputs: { lastMoveAt: null, steps: 0 } },
      'resident.inactivity',
    );
    expect(never.inputs[0]).toBe('Last moved: not since monitoring began');
  });

  it('reads a low battery in percent', () => {
    const e = explain(
      { rule: 'device-technical.battery@1', condition: 'battery ≤ 15 %', inputs: { battery: 12, deviceId: 'd1' } },
      'device.low_battery',
    );
    expect(e.inputs).toEqual(['Battery: 12 %', 'Device d1']);
  });
});

describe('durations and outcomes', () => {
  it('formats spans and ages the same way', () => {
    expect(duration(45_000)).toBe('45 s');
    expect(duration(12 * 60_000)).toBe('12 min');
    expect(duration(125 * 60_000)).toBe('2 h 5 min');
    expect(duration(27 * 3_600_000)).toBe('1 d 3 h');
    expect(since(0, 5_000)).toBe('just now');
    expect(since(0, 12 * 60_000)).toBe('12 min ago');
    expect(since(Number.NaN, 0)).toBe('unknown');
  });

  it('names a self-cleared outcome for what it is', () => {
    expect(OUTCOME_LABEL.self_cleared).toBe('Cleared by itself');
  });
});

describe('calledAgain (contract §3.1 re-raise)', () => {
  const AT = '2025-03-01T10:07:00.000Z';
  it('says when an open alert was called again', () => {
    expect(calledAgain({ state: 'active', reraisedAt: AT })).toBe(`Called again ${hhmm(AT)}`);
    expect(calledAgain({ state: 'acknowledged', reraisedAt: AT })).toBe(`Called again ${hhmm(AT)}`);
  });

  it('says nothing for an alert never re-raised, or resolved', () => {
    expect(calledAgain({ state: 'active' })).toBeUndefined();
    expect(calledAgain({ state: 'resolved', reraisedAt: AT })).toBeUndefined();
  });

  it('still says it without a readable time', () => {
    expect(calledAgain({ state: 'active', reraisedAt: 'garbled' })).toBe('Called again');
  });
});
