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
    expect(gate.stats()).toEqual({ running: 2, queued: 2, refused: 0 });
    tasks[1]?.finish();
    await runs[1];
    expect(started).toEqual([0, 1, 2]);
    for (const t of tasks) t.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(gate.stats()).toEqual({ running: 0, queued: 0, refused: 0 });
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

  it('starts trusted work before untrusted work that waited longer, with a queue of its own', async () => {
    const gate = new WorkGate({ maxConcurrent: 1, maxQueued: 1 });
    const blocker = deferred();
    const order: string[] = [];
    const first = gate.run(blocker.task);
    const stranger = gate.run(async () => void order.push('untrusted'));
    // The untrusted queue is full; a known user still gets a place.
    await expect(gate.run(async () => undefined)).rejects.toBeInstanceOf(WorkGateBusyError);
    const known = gate.run(async () => void order.push('trusted'), 'trusted');
    blocker.finish();
    await Promise.all([first, stranger, known]);
    expect(order).toEqual(['trusted', 'untrusted']);
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
