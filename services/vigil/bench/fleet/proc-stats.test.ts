import { describe, expect, it } from 'vitest';
import { parseMachineBusyTicks, parseStat, parseStatus } from './proc-stats.ts';

describe('/proc parsing', () => {
  it('reads utime and stime after the command name, even one with spaces and parentheses', () => {
    const stat =
      '4242 (node (worker) 1) S 1 4242 4242 0 -1 4194560 9536 0 0 0 1234 567 0 0 20 0 11 0 1830 1102082048 18874 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0';
    expect(parseStat(stat)).toEqual({ utimeTicks: 1234, stimeTicks: 567 });
    expect(() => parseStat('garbage')).toThrow();
  });

  it('reads VmRSS and VmHWM in kB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  150000 kB\nVmRSS:\t  120000 kB\nThreads:\t11\n';
    expect(parseStatus(status)).toEqual({ rssKb: 120000, peakRssKb: 150000 });
    expect(parseStatus('Name:\tzombie\n')).toEqual({ rssKb: 0, peakRssKb: 0 });
  });

  it('counts the machine busy: everything but idle and iowait, guests not twice', () => {
    const procStat = 'cpu  100 5 50 1000 20 1 4 3 7 2\ncpu0 50 2 25 500 10 0 2 1 0 0\nintr 1\n';
    expect(parseMachineBusyTicks(procStat)).toBe(100 + 5 + 50 + 1 + 4 + 3);
  });
});
