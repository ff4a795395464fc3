import type { UplinkChannel } from '@vigil/contracts';
import type { DeviceClientStats } from './device-client.ts';
import type { Emission } from './types.ts';

/** What the generator produced, by kind (whether or not it reached the broker). */
export interface GeneratedCounts {
  samples: number;
  batches: number;
  events: Record<string, number>;
  telemetry: number;
  malformed: Record<string, number>;
  drops: number;
  reconnects: number;
}

export interface SimulatorStats {
  devices: number;
  connected: number;
  /** Devices per running scenario (for `mixed`, what each device drew). */
  scenarios: Record<string, number>;
  generated: GeneratedCounts;
  /** Messages acknowledged by the broker (PUBACK), by channel. */
  published: Record<UplinkChannel, number>;
  notSent: number;
  connectFailures: number;
  authFailures: number;
  subscribeRefused: number;
  /** Rejections the platform sent back on `errors`, by code (contract §1.4). */
  errorsByCode: Record<string, number>;
  /** Commands received on `commands`, by type. */
  commandsByType: Record<string, number>;
}

export const emptyGenerated = (): GeneratedCounts => ({
  samples: 0,
  batches: 0,
  events: {},
  telemetry: 0,
  malformed: {},
  drops: 0,
  reconnects: 0,
});

const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

export function countEmission(counts: GeneratedCounts, e: Emission): void {
  if (e.kind === 'drop') counts.drops++;
  else if (e.kind === 'reconnect') counts.reconnects++;
  else if (e.malformed) bump(counts.malformed, e.malformed);
  else if (e.label === 'sample') counts.samples++;
  else if (e.label === 'batch') counts.batches++;
  else if (e.label === 'telemetry') counts.telemetry++;
  else if (e.label.startsWith('event:')) bump(counts.events, e.label.slice('event:'.length));
}

/** Sums the per-device transport counters. */
export function sumClients(all: readonly DeviceClientStats[]) {
  const published: Record<UplinkChannel, number> = { vitals: 0, events: 0, telemetry: 0, status: 0 };
  const errorsByCode: Record<string, number> = {};
  const commandsByType: Record<string, number> = {};
  let notSent = 0;
  let authFailures = 0;
  let subscribeRefused = 0;
  for (const s of all) {
    for (const [k, v] of Object.entries(s.published)) published[k as UplinkChannel] += v;
    for (const [k, v] of Object.entries(s.errorsByCode)) bump(errorsByCode, k, v);
    for (const [k, v] of Object.entries(s.commandsByType)) bump(commandsByType, k, v);
    notSent += s.notSent;
    authFailures += s.authFailures;
    subscribeRefused += s.subscribeRefused;
  }
  return { published, errorsByCode, commandsByType, notSent, authFailures, subscribeRefused };
}
