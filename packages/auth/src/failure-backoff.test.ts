import { ManualClock } from '@vigil/runtime';
import { describe, expect, it } from 'vitest';
import { type BackoffVerdict, FailureBackoff } from './failure-backoff.ts';

const POLICY = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000 };

function backoff(clock = new ManualClock()) {
  return new FailureBackoff({
    clock,
    pair: POLICY,
    name: { freeFailures: 6, baseDelayMs: 1000, maxDelayMs: 4000 },
    address: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 4000 },
    forgetAfterMs: 60_000,
    trustMs: 3_600_000,
    maxKeys: 100,
  });
}

function allowed(v: BackoffVerdict) {
  if (!v.allowed) throw new Error(`refused (${v.scope}, ${v.retryAfterMs} ms)`);
  return v.attempt;
}

function failTimes(b: FailureBackoff, address: string, name: string, n: number) {
  for (let i = 0; i < n; i++) allowed(b.check(address, name)).failed();
}

describe('FailureBackoff', () => {
  it('lets the free failures through, then refuses the pair with a delay that doubles up to its cap', () => {
    const clock = new ManualClock();
    const b = backoff(clock);
    failTimes(b, '10.0.0.1', 'amy', 3);
    expect(b.check('10.0.0.1', 'amy')).toEqual({ allowed: false, scope: 'pair', retryAfterMs: 1000 });
    clock.advance(1000);
    failTimes(b, '10.0.0.1', 'amy', 1);
    expect(b.check('10.0.0.1', 'amy')).toMatchObject({ allowed: false, retryAfterMs: 2000 });
    for (const wait of [2000, 4000, 8000]) {
      clock.advance(wait);
      failTimes(b, '10.0.0.1', 'amy', 1);
    }
    expect(b.check('10.0.0.1', 'amy')).toMatchObject({ allowed: false, retryAfterMs: 8000 });
  });

  it('never limits successes, and a success clears the pair', () => {
    const b = backoff();
    for (let i = 0; i < 100; i++) allowed(b.check('10.0.0.1', `device-${i % 3}`)).succeeded();
    failTimes(b, '10.0.0.1', 'amy', 2);
    allowed(b.check('10.0.0.1', 'amy')).succeeded();
    failTimes(b, '10.0.0.1', 'amy', 3);
    expect(b.check('10.0.0.1', 'amy').allowed).toBe(false);
  });

  it("one address's failures do not lock the name out at another address", () => {
    const b = backoff();
    failTimes(b, '10.0.0.66', 'amy', 3);
    expect(b.check('10.0.0.66', 'amy').allowed).toBe(false);
    allowed(b.check('10.0.0.2', 'amy')).succeeded();
  });

  it('guessing one name from many addresses backs the name off mildly, except where it signed in before', () => {
    const clock = new ManualClock();
    const b = backoff(clock);
    allowed(b.check('192.168.1.10', 'amy')).succeeded();
    for (let i = 0; i < 6; i++) failTimes(b, `203.0.113.${i}`, 'amy', 1);
    expect(b.check('203.0.113.99', 'amy')).toEqual({ allowed: false, scope: 'name', retryAfterMs: 1000 });
    // Amy at her usual place is not the attacker's to lock out.
    allowed(b.check('192.168.1.10', 'amy')).succeeded();
  });

  it('spraying names from one address backs the address off, but not names trusted there (a shared NAT)', () => {
    const b = backoff();
    allowed(b.check('10.0.0.1', 'device-7')).succeeded();
    for (let i = 0; i < 10; i++) failTimes(b, '10.0.0.1', `guess-${i}`, 1);
    expect(b.check('10.0.0.1', 'guess-x')).toMatchObject({ allowed: false, scope: 'address' });
    allowed(b.check('10.0.0.1', 'device-7')).succeeded();
    allowed(b.check('10.0.0.2', 'guess-x')).failed();
  });

  it('counts attempts in flight, so a parallel burst gets the free allowance and then one at a time', () => {
    const b = backoff();
    const burst = Array.from({ length: 50 }, () => b.check('10.0.0.1', 'amy'));
    expect(burst.filter((v) => v.allowed)).toHaveLength(3);
    expect(burst[3]).toMatchObject({ allowed: false, scope: 'pair' });
  });

  it('an abandoned attempt (server busy) counts neither way', () => {
    const b = backoff();
    for (let i = 0; i < 10; i++) allowed(b.check('10.0.0.1', 'amy')).abandoned();
    failTimes(b, '10.0.0.1', 'amy', 3);
    expect(b.check('10.0.0.1', 'amy').allowed).toBe(false);
  });

  it('settling twice counts once', () => {
    const b = backoff();
    const a = allowed(b.check('10.0.0.1', 'amy'));
    a.failed();
    a.failed();
    a.abandoned();
    failTimes(b, '10.0.0.1', 'amy', 2);
    expect(b.check('10.0.0.1', 'amy').allowed).toBe(false);
  });

  it('forgets failures after a quiet period', () => {
    const clock = new ManualClock();
    const b = backoff(clock);
    failTimes(b, '10.0.0.1', 'amy', 3);
    clock.advance(60_000);
    failTimes(b, '10.0.0.1', 'amy', 2);
    expect(b.check('10.0.0.1', 'amy').allowed).toBe(true);
  });

  it('keeps its memory bounded under a flood of random names', () => {
    const clock = new ManualClock();
    const b = backoff(clock);
    for (let i = 0; i < 5000; i++) {
      const v = b.check(`10.${i % 250}.0.1`, `random-${i}`);
      if (v.allowed) v.attempt.failed();
    }
    const size = b.size();
    expect(Math.max(size.pair, size.name, size.address, size.trusted)).toBeLessThanOrEqual(100);
  });
});
