import type { UplinkChannel } from '@vigil/contracts';
import type { CounterStore } from '@vigil/stores';
import type { SeqWindows } from './seq-window.ts';

/**
 * Exactly-once by `(device, channel, seq)` (contract §1.1): runs `handle` on the items not seen
 * before (items without `seq` always), in input order, and counts the duplicates.
 */
export interface SeqGate {
  once<T extends { seq?: number | undefined }>(
    deviceId: string,
    channel: UplinkChannel,
    items: T[],
    handle: (fresh: T[]) => Promise<void>,
  ): Promise<void>;
}

/**
 * The gate of a partition owner: the seqs live in its memory (seq-window.ts), because only the owner
 * of a device's partition ever sees the device's messages.
 */
export class WindowSeqGate implements SeqGate {
  constructor(
    private readonly windows: SeqWindows,
    private readonly counters: Pick<CounterStore, 'addDuplicates'>,
  ) {}

  async once<T extends { seq?: number | undefined }>(
    deviceId: string,
    channel: UplinkChannel,
    items: T[],
    handle: (fresh: T[]) => Promise<void>,
  ): Promise<void> {
    const fresh = items.filter((i) => i.seq === undefined || this.windows.firstTime(deviceId, channel, i.seq));
    const duplicates = items.length - fresh.length;
    if (duplicates > 0) await this.counters.addDuplicates(deviceId, duplicates);
    if (fresh.length > 0) await handle(fresh);
  }
}
