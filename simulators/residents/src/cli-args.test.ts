import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.ts';

describe('parseCliArgs', () => {
  it('takes the issue flags', () => {
    const r = parseCliArgs([
      '--count',
      '24',
      '--rate',
      '0.5',
      '--seed',
      's1',
      '--scenario',
      'sos',
      '--url',
      'mqtt://broker:1884',
      '--duration',
      '60',
    ]);
    expect(r).toMatchObject({
      kind: 'run',
      config: { count: 24, rate: 0.5, seed: 's1', scenario: 'sos', url: 'mqtt://broker:1884', durationS: 60 },
    });
  });

  it('has defaults that run a small mixed fleet against a local broker', () => {
    expect(parseCliArgs([])).toMatchObject({
      kind: 'run',
      config: { count: 10, rate: 1, scenario: 'mixed', url: 'mqtt://localhost:1883', durationS: undefined },
    });
  });

  it('reports every problem at once', () => {
    const r = parseCliArgs(['--count=-1', '--rate', 'fast', '--scenario', 'nope', '--url', 'http://x']);
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.errors).toHaveLength(4);
    expect(r.errors.join('\n')).toMatch(/--count.*--rate.*--scenario.*--url/s);
  });

  it('refuses unknown flags and asks --api for its credentials', () => {
    expect(parseCliArgs(['--bogus'])).toMatchObject({ kind: 'error' });
    const r = parseCliArgs(['--api', 'http://localhost:8080']);
    expect(r.kind === 'error' && r.errors).toEqual([
      '--api needs --username',
      '--api needs --password',
      '--api needs --zone',
    ]);
  });

  it('prints help', () => {
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('starts the first episodes within 3 minutes unless told otherwise', () => {
    expect(parseCliArgs([])).toMatchObject({ kind: 'run', config: { firstOnsetMs: [20_000, 180_000] } });
    expect(parseCliArgs(['--first-episode', '30'])).toMatchObject({ config: { firstOnsetMs: [15_000, 30_000] } });
    expect(parseCliArgs(['--first-episode', '0'])).toMatchObject({ kind: 'error' });
  });
});
