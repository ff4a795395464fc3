import type { Alert } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { alertStats } from './alert-stats.ts';

const T = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const alert = (o: Partial<Alert>): Alert => ({
  id: 'a1',
  facilityId: 'f1',
  residentId: 'r1',
  kind: 'fall',
  priority: 'high',
  state: 'resolved',
  title: 'Fall detected',
  explanation: { rule: 'device-event.fall@1', inputs: {}, condition: 'fall' },
  raisedAt: iso(T),
  lastSeenAt: iso(T),
  occurrences: 1,
  escalationLevel: 0,
  ...o,
});

describe('alertStats', () => {
  it('has nothing to divide by without residents or resolutions by staff', () => {
    const s = alertStats({
      facilityId: 'f1',
      from: T,
      to: T + 86_400_000,
      alerts: [alert({ outcome: 'self_cleared' }), alert({ id: 'other', facilityId: 'f2' })],
      tasks: [],
      warnings: [],
      users: [],
      residents: 0,
    });
    expect(s.alerts).toEqual({ raised: 1, resolvedByPerson: 0, falseAlarms: 0, falseAlarmRate: null });
    expect(s.residentDays).toBe(0);
    expect(s.byRule).toEqual([{ kind: 'fall', alerts: 1, perResidentDay: null }]);
    expect(s.facility.acknowledge).toEqual({ count: 0, p50Ms: null, p90Ms: null, maxMs: null });
    expect(s.byRole.map((r) => r.role)).toEqual(['caregiver', 'medical', 'maintenance', 'manager']);
    expect(s.byStaff).toEqual([]);
  });

  it('credits an acknowledgement by someone no longer among the users to their id, in no role', () => {
    const s = alertStats({
      facilityId: 'f1',
      from: T,
      to: T + 60_000,
      alerts: [alert({ acknowledgedAt: iso(T + 5_000), acknowledgedBy: 'gone' })],
      tasks: [],
      warnings: [],
      users: [],
      residents: 1,
    });
    expect(s.byStaff).toEqual([
      {
        staffId: 'gone',
        name: null,
        role: null,
        acknowledge: { count: 1, p50Ms: 5_000, p90Ms: 5_000, maxMs: 5_000 },
        onSite: { count: 0, p50Ms: null, p90Ms: null, maxMs: null },
      },
    ]);
    expect(s.byRole.every((r) => r.acknowledge.count === 0)).toBe(true);
    expect(s.facility.acknowledge.count).toBe(1);
  });
});
