import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './ingest.fixture.ts';
import { SEQ_BUSY_POLL_MS, SEQ_CLAIM_LEASE_MS } from './seq-claims.ts';

/** Lets pending store calls and timers registration settle (the memory stores resolve at once). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Moves the manual clock in poll steps, letting the ingest react between them. */
async function advance(h: Harness, ms: number) {
  for (let left = ms; left > 0; left -= SEQ_BUSY_POLL_MS) {
    await settle();
    h.clock.advance(Math.min(SEQ_BUSY_POLL_MS, left));
  }
  await settle();
}

/** Engines that do not own their partitions claim seqs in the shared store (ownership 'shared'). */
describe('Ingest: two-phase seq claims (nothing lost when a worker dies mid-message)', () => {
  it('a seq claimed by a worker that died is processed once its lease has run out', async () => {
    const h = await createHarness({ ownership: 'shared' });
    const t = h.clock.now();
    // Another worker claimed seq 1 and died before committing; the broker redelivers to us.
    expect(await h.stores.seqs.claim('dev-1', 'vitals', [1], SEQ_CLAIM_LEASE_MS)).toEqual(['new']);
    let done = false;
    const sent = h.send('vitals', { ts: t, seq: 1, hr: 70 }).then(() => {
      done = true;
    });
    await advance(h, SEQ_CLAIM_LEASE_MS - SEQ_BUSY_POLL_MS);
    expect(done).toBe(false);
    expect(h.sink.samples()).toEqual([]);
    await advance(h, 2 * SEQ_BUSY_POLL_MS);
    await sent;
    expect(h.sink.samples().map((s) => s.seq)).toEqual([1]);
    expect(await h.stores.counters.get('dev-1')).toEqual({ accepted: 1, duplicates: 0, rejected: {} });
    // Committed now: a later redelivery is a duplicate, however late.
    h.clock.advance(10 * SEQ_CLAIM_LEASE_MS);
    await h.send('vitals', { ts: h.clock.now(), seq: 1, hr: 70 });
    expect(h.sink.samples()).toHaveLength(1);
    expect((await h.stores.counters.get('dev-1')).duplicates).toBe(1);
  });

  it('a seq another worker is processing becomes a duplicate when that worker commits', async () => {
    const h = await createHarness({ ownership: 'shared' });
    const t = h.clock.now();
    await h.stores.seqs.claim('dev-1', 'events', [7], SEQ_CLAIM_LEASE_MS);
    const sent = h.send('events', { ts: t, seq: 7, type: 'fall' });
    await advance(h, 3 * SEQ_BUSY_POLL_MS);
    await h.stores.seqs.commit('dev-1', 'events', [7]);
    await advance(h, SEQ_BUSY_POLL_MS);
    await sent;
    expect(h.sink.calls).toEqual([]);
    expect(await h.stores.counters.get('dev-1')).toEqual({ accepted: 0, duplicates: 1, rejected: {} });
  });

  it('in a batch, fresh samples are processed at once and busy ones after the other worker is done', async () => {
    const h = await createHarness({ ownership: 'shared' });
    const t = h.clock.now();
    await h.stores.seqs.claim('dev-1', 'vitals', [2, 3], SEQ_CLAIM_LEASE_MS);
    const sent = h.send('vitals', {
      samples: [
        { ts: t, seq: 1, hr: 70 },
        { ts: t + 1, seq: 2, hr: 71 },
        { ts: t + 2, hr: 72 },
        { ts: t + 3, seq: 3, hr: 73 },
      ],
    });
    await advance(h, SEQ_BUSY_POLL_MS);
    expect(h.sink.samples().map((s) => s.hr)).toEqual([70, 72]);
    // The other worker finished seq 2 and died holding seq 3.
    await h.stores.seqs.commit('dev-1', 'vitals', [2]);
    await advance(h, SEQ_CLAIM_LEASE_MS);
    await sent;
    expect(h.sink.samples().map((s) => s.hr)).toEqual([70, 72, 73]);
    expect(await h.stores.counters.get('dev-1')).toEqual({ accepted: 3, duplicates: 1, rejected: {} });
  });

  it('a failing sink still commits (a retry would fail the same way); a failing store gives the claim back', async () => {
    const h = await createHarness({ ownership: 'shared' });
    const t = h.clock.now();
    h.sink.failNext = 1;
    await h.send('vitals', { ts: t, seq: 1, hr: 70 });
    await h.send('vitals', { ts: t, seq: 1, hr: 70 });
    expect(h.sink.samples()).toEqual([]);
    expect(await h.stores.counters.get('dev-1')).toEqual({ accepted: 1, duplicates: 1, rejected: {} });

    // The counter store fails before the sample reached the sink: the redelivery must process it.
    const addAccepted = h.stores.counters.addAccepted.bind(h.stores.counters);
    h.stores.counters.addAccepted = async () => {
      throw new Error('store down');
    };
    await h.send('vitals', { ts: t, seq: 2, hr: 71 });
    h.stores.counters.addAccepted = addAccepted;
    await h.send('vitals', { ts: t, seq: 2, hr: 71 });
    expect(h.sink.samples().map((s) => s.seq)).toEqual([2]);
    expect(await h.stores.seqs.claim('dev-1', 'vitals', [1, 2], SEQ_CLAIM_LEASE_MS)).toEqual([
      'duplicate',
      'duplicate',
    ]);
  });
});
