import { describe, expect, it } from 'vitest';
import { WorkGate, WorkGateBusyError } from './work-gate.ts';

/** A task the test finishes by hand, so nothing depends on timing. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { task: () => done, finish };
}

describe('WorkGate', () => {
  it('runs at most maxConcurrent at once and starts the queued ones as slots free up, in order', async () => {
    const gate = new WorkGate({ maxConcurrent: 2, maxQueued: 5 });
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map(() => deferred());
    const runs = tasks.map((t, i) =>
      gate.run(() => {
        started.push(i);
        return t.task();
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(gate.stats()).toMatchObject({ running: 2, queued: 2, refused: 0 });
    tasks[1]?.finish();
    await runs[1];
    expect(started).toEqual([0, 1, 2]);
    for (const t of tasks) t.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(gate.stats()).toMatchObject({ running: 0, queued: 0, refused: 0 });
  });

  it('refuses at once with a busy error when the queue is full, instead of queueing forever', async () => {
    const gate = new WorkGate({ maxConcurrent: 1, maxQueued: 1 });
    const blocker = deferred();
    const first = gate.run(blocker.task);
    const second = gate.run(async () => 'second');
    const third = gate.run(async () => 'third');
    await expect(third).rejects.toBeInstanceOf(WorkGateBusyError);
    await expect(third).rejects.toMatchObject({ code: 'busy', retryAfterMs: 1000 });
    expect(gate.stats()).toMatchObject({ running: 1, queued: 1, refused: 1 });
    blocker.finish();
    await first;
    expect(await second).toBe('second');
  });

  it('a known user never waits behind strangers: one slot more, a queue of its own, served first', async () => {
    const gate = new WorkGate({ maxConcurrent: 1, maxQueued: 1 });
    const blocker = deferred();
    const order: string[] = [];
    const first = gate.run(blocker.task);
    const stranger = gate.run(async () => void order.push('untrusted'));
    // The untrusted lane is full...
    await expect(gate.run(async () => undefined)).rejects.toBeInstanceOf(WorkGateBusyError);
    // ...a trusted task starts at once in the slot kept for it...
    const reserved = deferred();
    const known = gate.run(reserved.task, 'trusted');
    expect(gate.stats()).toMatchObject({ running: 2, queued: 1 });
    // ...and the next trusted one waits, but goes before the stranger who came earlier.
    const next = gate.run(async () => void order.push('trusted'), 'trusted');
    blocker.finish();
    reserved.finish();
    await Promise.all([first, stranger, known, next]);
    expect(order).toEqual(['trusted', 'untrusted']);
  });

  it('refuses at once when the expected wait (work ahead × recent task time) is over maxWaitMs', async () => {
    let now = 0;
    const gate = new WorkGate({ maxConcurrent: 1, maxQueued: 100, maxWaitMs: 500, now: () => now });
    // Tasks have lately taken 200 ms (the machine is loaded): the average moves towards that.
    for (let i = 0; i < 30; i++)
      await gate.run(async () => {
        now += 200;
      });
    expect(gate.stats().averageTaskMs).toBeGreaterThan(190);
    const blocker = deferred();
    const running = gate.run(blocker.task);
    const queued = [gate.run(async () => 1), gate.run(async () => 2)]; // waits of ~200 and ~400 ms
    await expect(gate.run(async () => 3)).rejects.toBeInstanceOf(WorkGateBusyError); // ~600 ms
    blocker.finish();
    await running;
    expect(await Promise.all(queued)).toEqual([1, 2]);
  });

  it('frees the slot when a task fails, and passes the failure on', async () => {
    const gate = new WorkGate({ maxConcurrent: 1, maxQueued: 0 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('refuses a nonsensical bound', () => {
    expect(() => new WorkGate({ maxConcurrent: 0, maxQueued: 1 })).toThrow(RangeError);
  });
});
