import { describe, expect, it } from 'vitest';
import { localMinutes } from './activity.ts';

/** The slow, obviously right answer: format every instant. */
function formatted(ts: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ts);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return get('hour') * 60 + get('minute');
}

describe('localMinutes (offset cached per quarter hour)', () => {
  // Zones with half- and quarter-hour offsets, both hemispheres' DST, and none.
  const zones = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Adelaide', 'Asia/Kathmandu', 'UTC'];
  // Around the 2026 DST changes of those zones, minute by minute, and a spread over the year.
  const around = [
    '2026-03-08T06:30:00Z',
    '2026-03-29T00:30:00Z',
    '2026-04-04T15:45:00Z',
    '2026-10-25T00:30:00Z',
    '2026-11-01T05:30:00Z',
  ];

  it('agrees with Intl formatting across DST changes', () => {
    for (const zone of zones) {
      for (const iso of around) {
        const start = Date.parse(iso);
        for (let m = 0; m < 120; m++) {
          const ts = start + m * 60_000 + 17_123;
          expect(localMinutes(ts, zone), `${zone} ${new Date(ts).toISOString()}`).toBe(formatted(ts, zone));
        }
      }
    }
  });

  it('agrees over a year of instants every 5 hours, read out of order', () => {
    const year = Date.parse('2026-01-01T00:00:00Z');
    const instants = Array.from({ length: (24 * 365) / 5 }, (_, k) => year + k * 5 * 3_600_000 + 59_999);
    // Out of order, as store-and-forward batches interleave with live samples.
    instants.sort((a, b) => (a % 7) - (b % 7) || b - a);
    for (const zone of zones) for (const ts of instants) expect(localMinutes(ts, zone)).toBe(formatted(ts, zone));
  });
});
