import { type IngestErrorCode, toIso } from '@vigil/contracts';
import type { Clock, Logger } from '@vigil/runtime';
import type { CounterStore, DeviceRecord } from '@vigil/stores';
import type { DeviceDownlink } from '../ports.ts';
import type { Rejection } from './validate.ts';

/** contract §1: at least the first of each code per device per second reaches the `errors` topic. */
const WINDOW_MS = 1000;
/** Bounds the rate-limit table; entries older than the window carry no information. */
const MAX_ENTRIES = 10_000;

export interface ErrorReporterDeps {
  counters: CounterStore;
  downlink: DeviceDownlink;
  clock: Clock;
  logger: Logger;
}

/**
 * Counts every rejection per device and code, and tells the device on its `errors` topic
 * (contract §1.4). Reporting is rate-limited per (device, code); counting never is.
 */
export class ErrorReporter {
  private readonly lastSent = new Map<string, number>();
  constructor(private readonly deps: ErrorReporterDeps) {}

  /** All rejections of one message: counted grouped by code, the first of each code published. */
  async report(device: Pick<DeviceRecord, 'id' | 'facilityId'>, topic: string, rejections: readonly Rejection[]) {
    const byCode = new Map<IngestErrorCode, { n: number; first: Rejection }>();
    for (const r of rejections) {
      const entry = byCode.get(r.code);
      if (entry) entry.n++;
      else byCode.set(r.code, { n: 1, first: r });
    }
    for (const [code, { n, first }] of byCode) {
      await this.count(device.id, code, n);
      if (this.admit(device.id, code)) await this.publish(device, topic, first);
    }
  }

  private async count(deviceId: string, code: IngestErrorCode, n: number) {
    try {
      await this.deps.counters.addRejected(deviceId, code, n);
    } catch (err) {
      this.deps.logger.error({ err, deviceId, code }, 'counting a rejection failed');
    }
  }

  private admit(deviceId: string, code: IngestErrorCode): boolean {
    const now = this.deps.clock.now();
    const key = `${deviceId}\u0000${code}`;
    const last = this.lastSent.get(key);
    if (last !== undefined && now - last < WINDOW_MS) return false;
    if (this.lastSent.size >= MAX_ENTRIES) this.prune(now);
    this.lastSent.set(key, now);
    return true;
  }

  private prune(now: number) {
    for (const [key, at] of this.lastSent) if (now - at >= WINDOW_MS) this.lastSent.delete(key);
    // Still full (a flood from many devices at once): start over rather than grow without bound.
    if (this.lastSent.size >= MAX_ENTRIES) this.lastSent.clear();
  }

  private async publish(device: Pick<DeviceRecord, 'id' | 'facilityId'>, topic: string, r: Rejection) {
    try {
      await this.deps.downlink.publish(device.facilityId, device.id, 'errors', {
        ts: toIso(this.deps.clock.now()),
        topic,
        code: r.code,
        detail: r.detail,
      });
    } catch (err) {
      this.deps.logger.warn({ err, deviceId: device.id, code: r.code }, 'publishing an ingest error failed');
    }
  }
}
