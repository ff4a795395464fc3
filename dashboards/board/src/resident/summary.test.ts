import type { Alert } from '@vigil/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { locale } from '../i18n/locale.ts';
import { alarmKindText, tr } from '../i18n/resident.ts';
import type { LatestVitals } from '../store.ts';
import { alarmLines, readingLines, wristbandStatus } from './summary.ts';

const NOW = Date.parse('2026-12-06T08:00:00Z');
const latest = (over: Partial<LatestVitals['values']> = {}): LatestVitals => ({
  residentId: 'res-001',
  values: {
    hr: { v: 72, ts: NOW - 10_000 },
    spo2: { v: 97, ts: NOW - 10_000 },
    sbp: { v: 128, ts: NOW - 10_000 },
    dbp: { v: 81, ts: NOW - 10_000 },
    temp: { v: 36.8, ts: NOW - 10_000 },
    battery: { v: 81, ts: NOW - 5_000 },
    ...over,
  },
  worn: { v: true, ts: NOW - 5_000 },
});

afterEach(() => {
  locale.value = 'en';
});

describe('readingLines', () => {
  it('says each reading in a sentence, in the fixed order, normal when NEWS2 scores it 0', () => {
    locale.value = 'en';
    expect(readingLines(latest(), NOW).map((l) => l.text)).toEqual([
      'Your heart rate is normal: 72 beats a minute',
      'Your blood oxygen is normal: 97%',
      'Your blood pressure is normal: 128 over 81',
      'Your temperature is normal: 36.8 °C',
    ]);
  });

  it('says how far from the usual range a reading is, and when an old one was measured', () => {
    locale.value = 'en';
    const lines = readingLines(latest({ hr: { v: 135, ts: NOW - 5 * 60_000 }, spo2: { v: 95, ts: NOW } }), NOW);
    expect(lines[0]).toMatchObject({ key: 'hr', severity: 2, stale: true });
    expect(lines[0]?.text).toBe('Your heart rate is outside your usual range: 135 beats a minute');
    expect(lines[1]).toMatchObject({ key: 'spo2', severity: 1, stale: false });
  });

  it('speaks Chinese when the board does', () => {
    locale.value = 'zh-CN';
    expect(readingLines(latest(), NOW)[0]?.text).toBe('您的心率正常：每分钟 72 次');
  });

  it('leaves out what was never measured', () => {
    expect(readingLines(undefined, NOW)).toEqual([]);
    expect(readingLines({ residentId: 'r', values: { sbp: { v: 120, ts: NOW } } }, NOW)).toEqual([]);
  });
});

describe('wristbandStatus', () => {
  it('says worn, battery and when it was last heard from', () => {
    locale.value = 'en';
    const s = wristbandStatus(latest());
    expect(s).toMatchObject({ worn: 'You are wearing it.', battery: 'Battery: 81%', batteryLow: false });
    expect(s?.lastSeen).toMatch(/^Last heard from at \d\d:\d\d$/);
  });

  it('asks for a charge when the battery is low, and says when it is not worn', () => {
    locale.value = 'en';
    const s = wristbandStatus({ ...latest({ battery: { v: 9, ts: NOW } }), worn: { v: false, ts: NOW } });
    expect(s).toMatchObject({ worn: tr('notWorn'), batteryLow: true });
    expect(s?.battery).toBe('Battery: 9%. Please ask for it to be charged.');
  });
});

describe('alarmLines', () => {
  const alert = (id: string, kind: Alert['kind'], state: Alert['state'], raisedAt: string) =>
    ({ id, kind, state, raisedAt, priority: 'high' }) as Alert;

  it('lists the newest first, in the resident’s words, with what is being done', () => {
    locale.value = 'en';
    const lines = alarmLines([
      alert('a1', 'sos', 'resolved', '2026-12-06T07:00:00Z'),
      alert('a2', 'fall', 'active', '2026-12-06T07:30:00Z'),
    ]);
    expect(lines.map((l) => [l.id, l.what, l.state, l.open])).toEqual([
      ['a2', 'A fall was detected', 'Staff have been called.', true],
      ['a1', 'You pressed the help button', 'Dealt with.', false],
    ]);
  });

  it('has a plain sentence for every alarm kind in both languages', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const k of alarmKindText.keys) expect(alarmKindText.catalogues[lang][k]).toBeTruthy();
      for (const k of tr.keys) expect(tr.catalogues[lang][k]).toBeTruthy();
    }
  });
});
