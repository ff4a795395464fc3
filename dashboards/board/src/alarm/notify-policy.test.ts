import { describe, expect, it } from 'vitest';
import { callsToNotify, notificationText } from './notify-policy.ts';

const a = (id: string, priority: 'high' | 'medium' | 'low', state: 'active' | 'acknowledged' = 'active') => ({
  id,
  priority,
  state,
  title: 'SOS button pressed',
  kind: 'sos' as const,
  explanation: { rule: 'device-event.sos@1', condition: 'sos', inputs: {} },
  raisedAt: '2026-01-01T08:00:00.000Z',
});

describe('callsToNotify', () => {
  it('notifies new high and medium calls while hidden, never low or acknowledged ones', () => {
    const r = callsToNotify(
      [a('h', 'high'), a('m', 'medium'), a('l', 'low'), a('k', 'high', 'acknowledged')],
      new Set(),
      true,
    );
    expect(r.notify.map((x) => x.id)).toEqual(['h', 'm']);
  });
  it('does not notify while visible, nor later for calls seen then', () => {
    const visible = callsToNotify([a('h', 'high')], new Set(), false);
    expect(visible.notify).toEqual([]);
    expect(callsToNotify([a('h', 'high')], visible.seen, true).notify).toEqual([]);
  });
  it('a re-raise is a new call and notifies again', () => {
    const first = callsToNotify([a('h', 'high')], new Set(), true);
    const again = { ...a('h', 'high'), reraisedAt: '2026-01-01T08:10:00.000Z' };
    expect(callsToNotify([again], first.seen, true).notify).toHaveLength(1);
    expect(notificationText(again, 'Ada', 'Room 12').title).toBe('HIGH (again): Help button pressed');
  });
  it('words: priority, title, resident and place', () => {
    expect(notificationText(a('m', 'medium'), 'Ada', 'Room 12')).toEqual({
      title: 'MEDIUM: Help button pressed',
      body: 'Ada · Room 12',
    });
  });
});
