import type { UplinkChannel } from '@vigil/contracts';
import type { Clock, Logger } from '@vigil/runtime';
import type { CounterStore, SeqStore } from '@vigil/stores';
import type { SeqGate } from '../pipeline/seq-gate.ts';

/**
 * How long a worker holds the seqs of a message it is processing. The broker redelivers a message
 * whose worker died; the next worker may process it once this has passed since the claim.
 */
export const SEQ_CLAIM_LEASE_MS = 10_000;
/** How often a seq another worker is processing is asked after again. */
export const SEQ_BUSY_POLL_MS = 100;

export interface SeqClaimsDeps {
  seqs: SeqStore;
  counters: CounterStore;
  clock: Clock;
  logger: Logger;
}

/**
 * Exactly-once processing by (deviceId, channel, seq) across workers (contract §1.1: a repeated seq is
 * a duplicate), two-phase: seqs are claimed with a lease, processed, then committed, so a worker that
 * dies mid-message loses nothing (the redelivery finds the claim expired and processes it).
 */
export class SeqClaims implements SeqGate {
  constructor(private readonly deps: SeqClaimsDeps) {}

  /**
   * Runs `handle` on the items not processed before (items without seq always), in input order.
   * Duplicates are counted. Items another worker is processing right now are waited for: once it
   * commits they are duplicates; if its lease runs out first they are handled here, in a later call.
   * A `handle` that throws gives its claims back and rethrows; one that returns commits them (a sink
   * failure is caught inside `handle`: retrying would fail the same way).
   */
  async once<T extends { seq?: number | undefined }>(
    deviceId: string,
    channel: UplinkChannel,
    items: T[],
    handle: (fresh: T[]) => Promise<void>,
  ): Promise<void> {
    const { seqs, clock } = this.deps;
    let pending = items.filter((i) => i.seq !== undefined);
    let first = true;
    const giveUpAt = clock.now() + SEQ_CLAIM_LEASE_MS + SEQ_BUSY_POLL_MS;
    for (;;) {
      const claims =
        pending.length > 0 ? await seqs.claim(deviceId, channel, seqNumbers(pending), SEQ_CLAIM_LEASE_MS) : [];
      const fresh = pending.filter((_, k) => claims[k] === 'new');
      const busy = pending.filter((_, k) => claims[k] === 'busy');
      await this.countDuplicates(deviceId, pending.length - fresh.length - busy.length);
      // Items without seq go with the first round, where they were in the input order.
      const isFresh = new Set(fresh);
      const batch = first ? items.filter((i) => i.seq === undefined || isFresh.has(i)) : fresh;
      first = false;
      if (batch.length > 0) await this.run(deviceId, channel, batch, handle);
      pending = busy;
      if (pending.length === 0) return;
      if (clock.now() >= giveUpAt) {
        // Only under clock skew between workers: the other's lease should have ended by now.
        this.deps.logger.warn({ deviceId, channel, n: pending.length }, 'seqs still claimed elsewhere: dropped');
        return this.countDuplicates(deviceId, pending.length);
      }
      await sleep(clock, SEQ_BUSY_POLL_MS);
    }
  }

  private async run<T extends { seq?: number | undefined }>(
    deviceId: string,
    channel: UplinkChannel,
    batch: T[],
    handle: (fresh: T[]) => Promise<void>,
  ): Promise<void> {
    const claimed = seqNumbers(batch.filter((i) => i.seq !== undefined));
    try {
      await handle(batch);
    } catch (err) {
      await this.deps.seqs.release(deviceId, channel, claimed).catch((releaseErr: unknown) => {
        // The claims then lapse after their lease; until then a redelivery waits for them.
        this.deps.logger.warn({ err: releaseErr, deviceId, channel }, 'giving seq claims back failed');
      });
      throw err;
    }
    if (claimed.length > 0) await this.deps.seqs.commit(deviceId, channel, claimed);
  }

  private async countDuplicates(deviceId: string, n: number) {
    if (n > 0) await this.deps.counters.addDuplicates(deviceId, n);
  }
}

const seqNumbers = (items: readonly { seq?: number | undefined }[]) => items.map((i) => i.seq as number);

const sleep = (clock: Clock, ms: number) =>
  new Promise<void>((resolve) => {
    clock.setTimeout(resolve, ms);
  });
