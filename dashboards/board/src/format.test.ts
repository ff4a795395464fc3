import type { Explanation } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { calledAgain, clockTime, conditionStatus, duration, explain, OUTCOME_LABEL, since } from './format.ts';
import { locale } from './i18n/locale.ts';

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
    expect(s).toEqual({ holds: true, text: `Still happening since ${hhmm(SINCE)}` });
  });

  it('says "still happening" without a time when the explanation has no start', () => {
    const explanation = { ...vitalExplanation, inputs: { spo2: 89 } };
    expect(conditionStatus({ state: 'acknowledged', conditionHolds: true, explanation })?.text).toBe('Still happening');
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
      text: `Back to normal at ${hhmm(CLEARED)} — check the resident, then resolve`,
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
  it('says why in a plain sentence, and the start time unless the card says it already', () => {
    const e = explain(
      { ...vitalExplanation, inputs: { ...vitalExplanation.inputs, limits: { low: 91, criticalLow: 88 } } },
      'vital.spo2_low',
    );
    expect(e.condition).toBe('Blood oxygen 89% is at or below the alert limit of 91%.');
    expect(e.inputs).toContain(`Began at ${hhmmss(SINCE)}`);
    expect(explain(vitalExplanation, 'vital.spo2_low', { omitSince: true }).inputs.join(' ')).not.toContain('Began');
  });

  it('never shows rule ids, device ids or formulas to carers', () => {
    const e = explain(vitalExplanation, 'vital.spo2_low');
    const shown = [e.condition, ...e.inputs, e.path ?? '', e.late ?? ''].join(' ');
    expect(shown).not.toMatch(/vital-threshold|d1|Device|≤ 91 % for/);
    expect(e.rule).toBe('vital-threshold.spo2_low@3');
    expect(explain({ rule: 'event.sos@1', condition: 'SOS pressed', inputs: {} }, 'sos').condition).toBe(
      'The resident pressed the help button on the wearable.',
    );
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
    expect(e.condition).toBe('Resting heart rate 98 bpm is well above this resident’s usual 72 bpm.');
    expect(e.inputs).toEqual(['Usual resting: 71.6 ± 4.2 bpm', 'Alert above: 86 bpm']);
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
    expect(e.condition).toBe('Blood oxygen 80% is at or below the danger limit of 85%.');
    expect(e.path).toBe('dangerous level for a few seconds');
    expect(e.late).toBe(`measured ${hhmmss('2025-03-01T10:00:05.000Z')}, arrived ${duration(30 * 60_000)} later`);
    expect(e.inputs).toEqual(['Limits: alert ≤ 93%, urgent ≤ 91%, danger ≤ 85%', 'Readings past the limit: 6 of 6']);
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
    expect(e.inputs).toEqual([`Last heard from at ${hhmmss(lastSeenAt)}`, 'No data for 20 min']);
  });

  it('reads inactivity as when the resident last moved', () => {
    const lastMoveAt = '2025-03-01T07:15:00.000Z';
    const e = explain(
      { rule: 'activity.inactivity@1', condition: 'no steps for 3 h', inputs: { lastMoveAt, steps: 1520 } },
      'resident.inactivity',
    );
    expect(e.inputs).toEqual([`Last moved at ${hhmmss(lastMoveAt)}`, 'Step count: 1,520']);
    const never = explain(
      { rule: 'activity.inactivity@1', condition: 'no steps for 3 h', inputs: { lastMoveAt: null, steps: 0 } },
      'resident.inactivity',
    );
    expect(never.inputs[0]).toBe('Not moved since monitoring began');
  });

  it('says a withheld explanation is the resident’s choice', () => {
    const e = explain(
      { rule: 'r', condition: "withheld: the resident's consent does not cover your role", inputs: {} },
      'vital.hr_high',
    );
    expect(e.condition).toBe('Details are not shared with your role, by the resident’s choice.');
  });

  it('speaks Chinese when the board does', () => {
    locale.value = 'zh-CN';
    try {
      const e = explain(
        { rule: 'r', condition: 'c', inputs: { hr: 135, limits: { high: 120, criticalHigh: 130 } } },
        'vital.hr_high',
      );
      expect(e.condition).toBe('心率 135 次/分，达到或超过紧急限值 130 次/分。');
      expect(e.inputs).toEqual(['限值：报警 ≥ 120 次/分，紧急 ≥ 130 次/分']);
    } finally {
      locale.value = 'en';
    }
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

  it('says spans, ages and outcomes in Chinese too', () => {
    locale.value = 'zh-CN';
    try {
      expect(duration(45_000)).toBe('45 秒');
      expect(duration(125 * 60_000)).toBe('2 小时 5 分钟');
      expect(since(0, 12 * 60_000)).toBe('12 分钟前');
      expect(since(0, 5_000)).toBe('刚刚');
      expect(OUTCOME_LABEL.false_alarm).toBe('误报');
    } finally {
      locale.value = 'en';
    }
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
