import { DEFAULT_RULE_SETTINGS } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { healthReport } from './report.ts';
import { alreadyAnnounced, announcedAt, RISK_LEVELS_KEPT, withAnnouncement } from './risk-announcements.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

describe('risk announcements', () => {
  const record = withAnnouncement(withAnnouncement(undefined, 'low', T0), 'high', T0 + 10 * MIN);

  it('knows a level judged again from a reading already judged (a replay), and nothing older is news', () => {
    expect(alreadyAnnounced(record, 'high', T0 + 10 * MIN)).toBe(true);
    expect(alreadyAnnounced(record, 'medium', T0 + 5 * MIN)).toBe(true);
    expect(alreadyAnnounced(record, 'medium', T0 + 10 * MIN)).toBe(false);
    expect(alreadyAnnounced(record, 'medium', T0 + 11 * MIN)).toBe(false);
    expect(alreadyAnnounced(undefined, 'low', T0)).toBe(false);
  });

  it('gives the level in force at a time: the latest announced at or before it', () => {
    expect(announcedAt(record, T0 - 1)).toBeUndefined();
    expect(announcedAt(record, T0 + 9 * MIN)).toBe('low');
    expect(announcedAt(record, T0 + 10 * MIN)).toBe('high');
    expect(announcedAt(record, T0 + 60 * MIN)).toBe('high');
  });

  it('keeps the latest levels only', () => {
    let r = withAnnouncement(undefined, 'low', T0);
    for (let i = 1; i <= RISK_LEVELS_KEPT + 5; i++) r = withAnnouncement(r, i % 2 ? 'high' : 'low', T0 + i);
    expect(r.levels).toHaveLength(RISK_LEVELS_KEPT);
    expect(r.levels.at(-1)?.at).toBe(T0 + RISK_LEVELS_KEPT + 5);
  });
});

describe('the report’s risk is the announced, damped level', () => {
  // HR 115 (2) + RR 22 (2) + 38.5 °C (1) = 5: a medium score, just under high.
  const points = [{ ts: T0 + 12 * MIN, hr: 115, spo2: 97, rr: 22, temp: 38.5, sbp: 125, consciousness: 'A' }];
  const report = (announced: Parameters<typeof healthReport>[0]['announced'], to = T0 + 13 * MIN) =>
    healthReport({
      residentId: 'r1',
      from: T0,
      to,
      points,
      alerts: [],
      carePlan: {},
      settings: DEFAULT_RULE_SETTINGS,
      announced,
    });

  it('says high while the fall from high is held, though the score reads medium', () => {
    const r = report(withAnnouncement(undefined, 'high', T0 + 10 * MIN));
    expect(r.news2.current?.risk).toBe('medium');
    expect(r.risk).toBe('high');
  });

  it('falls back to the score’s band where no announcement reaches back to `to`, and to low without readings', () => {
    expect(report(undefined).risk).toBe('medium');
    expect(report(withAnnouncement(undefined, 'high', T0 + 20 * MIN)).risk).toBe('medium');
    expect(report(withAnnouncement(undefined, 'high', T0), T0 + 5 * MIN).risk).toBe('low');
  });
});
