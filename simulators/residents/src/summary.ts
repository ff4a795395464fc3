import type { SimulatorStats } from './stats.ts';

const fmt = (record: Record<string, number>) => {
  const entries = Object.entries(record).filter(([, n]) => n > 0);
  return entries.length === 0 ? '-' : entries.map(([k, n]) => `${k}=${n}`).join(' ');
};

/** A few human-readable lines for the CLI's periodic and final summaries. */
export function formatSummary(stats: SimulatorStats, elapsedMs: number): string {
  const g = stats.generated;
  const p = stats.published;
  return [
    `[${(elapsedMs / 1000).toFixed(0)}s] devices ${stats.connected}/${stats.devices} connected (${fmt(stats.scenarios)})`,
    `  published (acked): vitals=${p.vitals} events=${p.events} telemetry=${p.telemetry} status=${p.status}; not sent=${stats.notSent}`,
    `  generated: samples=${g.samples} batches=${g.batches} telemetry=${g.telemetry} events: ${fmt(g.events)}; malformed: ${fmt(g.malformed)}; drops=${g.drops} reconnects=${g.reconnects}`,
    `  received: errors ${fmt(stats.errorsByCode)}; commands ${fmt(stats.commandsByType)}; connect failures=${stats.connectFailures} auth refusals=${stats.authFailures}`,
  ].join('\n');
}
