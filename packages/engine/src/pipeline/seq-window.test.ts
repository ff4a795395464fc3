import { describe, expect, it } from 'vitest';
import { SEQ_WINDOW, SeqWindows } from './seq-window.ts';

describe('SeqWindows (contract §1.1 duplicates)', () => {
  it('drops a repeated seq, per device and channel, in and out of order', () => {
    const w = new SeqWindows();
    expect([1, 2, 3, 2, 5, 4, 4, 1].map((s) => w.firstTime('d1', 'vitals', s))).toEqual([
      true,
      true,
      true,
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(w.firstTime('d1', 'events', 1)).toBe(true);
    expect(w.firstTime('d2', 'vitals', 1)).toBe(true);
  });

  it('remembers the window below the highest seq, and takes a restarted counter as new', () => {
    const w = new SeqWindows();
    for (let s = 1; s <= 5000; s++) w.firstTime('d1', 'vitals', s);
    expect(w.firstTime('d1', 'vitals', 5000 - SEQ_WINDOW + 1)).toBe(false);
    expect(w.firstTime('d1', 'vitals', 4000)).toBe(false);
    // Far below the window: a device that rebooted and counts from 1 again.
    expect(w.firstTime('d1', 'vitals', 1)).toBe(true);
    expect(w.firstTime('d1', 'vitals', 2)).toBe(true);
    expect(w.firstTime('d1', 'vitals', 2)).toBe(false);
  });

  it('survives a checkpoint', () => {
    const w = new SeqWindows();
    for (const s of [10, 11, 12, 40]) w.firstTime('d1', 'vitals', s);
    const back = SeqWindows.restore(JSON.parse(JSON.stringify(w.snapshot())));
    expect([12, 13, 40, 41].map((s) => back.firstTime('d1', 'vitals', s))).toEqual([false, true, false, true]);
  });

  it('agrees with a plain set on a long random stream of redeliveries and jumps', () => {
    const w = new SeqWindows();
    const seen = new Set<number>();
    let max = 0;
    let x = 12345;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % n;
    };
    for (let k = 0; k < 20_000; k++) {
      const r = rand(10);
      // Jumps of a few seqs and of more than a 32-bit word's worth (the window moves by words).
      const seq =
        r < 6 ? max + 1 : r < 8 ? Math.max(1, max - rand(40)) : r < 9 ? max + 1 + rand(30) : max + 1 + rand(700);
      // The model: a seq is new unless seen and within the window below the highest.
      const expected = !(seen.has(seq) && seq > max - SEQ_WINDOW);
      expect(w.firstTime('d', 'vitals', seq)).toBe(expected);
      seen.add(seq);
      max = Math.max(max, seq);
    }
  });
});
