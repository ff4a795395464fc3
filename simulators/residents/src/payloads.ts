import { INGEST_LIMITS, MAX_BATCH_SAMPLES, type DeviceStatus } from '@vigil/contracts';

/** Retained status on connect, and the Last Will (contract §1). */
export const ONLINE_STATUS: DeviceStatus = { state: 'online' };
export const OFFLINE_STATUS: DeviceStatus = { state: 'offline' };

/** Headroom under the 64 KiB payload limit (contract §1.4) for a store-and-forward batch. */
const BATCH_BYTE_BUDGET = INGEST_LIMITS.maxPayloadBytes - 4 * 1024;

/**
 * Splits buffered samples into `{"samples":[…]}` payloads that each respect both limits of contract
 * §1.4: at most 1000 samples and under 64 KiB. Order is kept (oldest first).
 */
export function batchPayloads(samples: readonly object[]): string[] {
  const out: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const sample of samples) {
    const json = JSON.stringify(sample);
    if (chunk.length > 0 && (chunk.length >= MAX_BATCH_SAMPLES || bytes + json.length + 1 > BATCH_BYTE_BUDGET)) {
      out.push(`{"samples":[${chunk.join(',')}]}`);
      chunk = [];
      bytes = 0;
    }
    chunk.push(json);
    bytes += json.length + 1;
  }
  if (chunk.length > 0) out.push(`{"samples":[${chunk.join(',')}]}`);
  return out;
}
