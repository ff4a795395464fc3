import type { Alert } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { ALERT_KIND_TITLES, withoutHealthContent } from './health-redaction.ts';

const alert: Alert = {
  id: 'al_1',
  facilityId: 'f1',
  residentId: 'r1',
  kind: 'news2',
  priority: 'high',
  state: 'active',
  title: 'NEWS2 8: emergency assessment',
  explanation: {
    rule: 'news2',
    inputs: { news2: { score: 8 } },
    condition: 'NEWS2 aggregate 8 ≥ 7',
    path: 'sustained',
  },
  raisedAt: '2026-12-05T08:00:00.000Z',
  lastSeenAt: '2026-12-05T08:00:00.000Z',
  occurrences: 1,
  escalationLevel: 0,
};

describe('health content withheld (contract §4.2)', () => {
  it('no plain title carries a value', () => {
    // A number standing on its own ("163 bpm", "NEWS2 8"); the 2 of "SpO2" is part of a name.
    for (const title of Object.values(ALERT_KIND_TITLES)) expect(title).not.toMatch(/(^|[\s:])\d/);
  });

  it('an alert about a resident keeps why it exists, not the resident’s values', () => {
    const shown = withoutHealthContent(alert);
    expect(shown).toMatchObject({ title: 'NEWS2 alert', healthWithheld: true, priority: 'high' });
    expect(shown.explanation).toMatchObject({ rule: 'news2', inputs: {}, path: 'sustained' });
    expect(JSON.stringify(shown.explanation)).not.toContain('8');
  });

  it('a facility alert (no resident) is about a building and passes unchanged', () => {
    const { residentId: _none, ...facility } = { ...alert, kind: 'facility.air_temp' as const, title: 'Room 31 °C' };
    expect(withoutHealthContent(facility)).toBe(facility);
  });
});
