import { describe, expect, it } from 'vitest';
import { fleetProcesses, parseFlags } from './flags.ts';

describe('flags', () => {
  it('default to a run that fits a few minutes on two cores', () => {
    const r = parseFlags([]);
    expect(r.ok && r.options).toMatchObject({
      devices: 2000,
      rateHz: 2,
      seconds: 30,
      sos: 10,
      sockets: 1,
      targets: ['bare', 'embedded', 'redis'],
      json: undefined,
    });
  });

  it('read every flag', () => {
    const r = parseFlags(
      '--devices 10000 --rate 1 --seconds 60 --sos 20 --sockets 5 --watch 24 --targets bare,embedded --workers 2 --json /tmp/x.json'.split(
        ' ',
      ),
    );
    expect(r.ok && r.options).toMatchObject({
      devices: 10000,
      rateHz: 1,
      seconds: 60,
      sos: 20,
      sockets: 5,
      watch: 24,
      targets: ['bare', 'embedded'],
      workers: 2,
      json: '/tmp/x.json',
    });
  });

  it('report every problem at once', () => {
    const r = parseFlags(['--devices', '0', '--rate', 'fast', '--targets', 'bare,kafka', '--sos', '1.5']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      '--targets: unknown target kafka (bare, embedded, redis)',
      '--devices must be an integer ≥ 1, got 0',
      '--rate must be a number ≥ 0.01, got fast',
      '--sos must be an integer ≥ 0, got 1.5',
    ]);
    expect(parseFlags(['--bogus']).ok).toBe(false);
  });

  it('use one fleet process per 12,000 messages/s and 15,000 devices unless told', () => {
    expect(fleetProcesses({ devices: 2000, rateHz: 2, workers: 0 })).toBe(1);
    expect(fleetProcesses({ devices: 10_000, rateHz: 1, workers: 0 })).toBe(1);
    expect(fleetProcesses({ devices: 10_000, rateHz: 2, workers: 0 })).toBe(2);
    expect(fleetProcesses({ devices: 20_000, rateHz: 0.1, workers: 0 })).toBe(2);
    expect(fleetProcesses({ devices: 10_000, rateHz: 1, workers: 3 })).toBe(3);
    expect(fleetProcesses({ devices: 2, rateHz: 1, workers: 8 })).toBe(2);
  });
});
