import { describe, expect, it } from 'vitest';
import { countUnseen } from './arrivals.ts';

const a = (id: string, reraisedAt?: string) => ({
  id,
  state: 'active' as const,
  raisedAt: '2026-01-01T08:00:00.000Z',
  ...(reraisedAt && { reraisedAt }),
});

describe('countUnseen', () => {
  it('counts calls that arrive while the list top is out of view', () => {
    let r = countUnseen([a('x')], new Set(), 0, true);
    expect(r.unseen).toBe(0);
    r = countUnseen([a('x'), a('y')], r.known, r.unseen, false);
    expect(r.unseen).toBe(1);
    r = countUnseen([a('x'), a('y'), a('z', '2026-01-01T08:05:00.000Z')], r.known, r.unseen, false);
    expect(r.unseen).toBe(2);
  });
  it('a re-raise of a known alert counts again; an update of the same call does not', () => {
    const r = countUnseen([a('x')], new Set(), 0, true);
    expect(countUnseen([a('x')], r.known, 0, false).unseen).toBe(0);
    expect(countUnseen([a('x', '2026-01-01T08:05:00.000Z')], r.known, 0, false).unseen).toBe(1);
  });
  it('is 0 once the top is back in view', () => {
    const r = countUnseen([a('x'), a('y')], new Set(['x@2026-01-01T08:00:00.000Z']), 3, true);
    expect(r.unseen).toBe(0);
  });
});
