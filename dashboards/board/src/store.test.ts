import type { Alert } from '@vigil/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { alerts, applyAlert, isNewer, openAlerts, resetStore } from './store.ts';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'al1',
    facilityId: 'f1',
    residentId: 'r1',
    kind: 'sos',
    priority: 'high',
    state: 'active',
    title: 'SOS',
    explanation: { rule: 'device-event.sos@1', inputs: {}, condition: 'SOS pressed' },
    raisedAt: iso(T0),
    lastSeenAt: iso(T0),
    occurrences: 1,
    escalationLevel: 0,
    ...over,
  };
}

describe('alert store and re-raise (contract §3.1)', () => {
  beforeEach(() => resetStore());

  const acked = alert({
    state: 'acknowledged',
    acknowledgedAt: iso(T0 + 30_000),
    acknowledgedBy: 'u1',
    escalationLevel: 1,
  });
  const reraised = alert({ reraisedAt: iso(T0 + 60_000), lastSeenAt: iso(T0 + 60_000), occurrences: 2 });

  it('takes a re-raise as the alert back to active, and ignores older copies after it', () => {
    applyAlert(alert());
    applyAlert(acked);
    applyAlert(reraised);
    expect(alerts.value.get('al1')).toEqual(reraised);
    applyAlert(acked); // a replayed `alert.acknowledged` from before the re-raise
    expect(alerts.value.get('al1')?.state).toBe('active');
    const ackedAgain = { ...reraised, state: 'acknowledged' as const, acknowledgedBy: 'u2' };
    applyAlert(ackedAgain);
    expect(alerts.value.get('al1')).toEqual(ackedAgain);
  });

  it('orders copies by re-raise first, then by lifecycle', () => {
    expect(isNewer(reraised, acked)).toBe(true);
    expect(isNewer(acked, reraised)).toBe(false);
    const later = { ...reraised, reraisedAt: iso(T0 + 90_000), occurrences: 3 };
    expect(isNewer(later, reraised)).toBe(true);
    expect(isNewer(reraised, reraised)).toBe(false);
  });

  it('lists a re-raised alert by when it last called, among its priority', () => {
    applyAlert(alert());
    applyAlert(alert({ id: 'al2', raisedAt: iso(T0 + 10_000), lastSeenAt: iso(T0 + 10_000) }));
    expect(openAlerts.value.map((a) => a.id)).toEqual(['al2', 'al1']);
    applyAlert(reraised);
    expect(openAlerts.value.map((a) => a.id)).toEqual(['al1', 'al2']);
  });
});
