import { PRIORITY_RANK, type Priority, type RiskLevel } from '@vigil/contracts';

/** What a tile's place in the ward grid depends on; built from the store by `ward/state.ts`. */
export interface WardEntry {
  id: string;
  name: string;
  roomId: string;
  zoneId: string;
  /** Priority of the resident's most urgent open alert (active or acknowledged), if any. */
  alert: Priority | undefined;
  /** Ids of the resident's open high alerts: a new one re-sorts the grid at once. */
  highAlertIds: readonly string[];
  risk: RiskLevel | undefined;
  /** No wearable reading within the stale window (or none at all). */
  stale: boolean;
  notWorn: boolean;
}

const NO_ALERT = 3;
const RISK_RANK: Record<RiskLevel, number> = { high: 0, medium: 1, low_medium: 2, low: 3 };
const NO_RISK = 4;

/**
 * Most urgent first: an open high alert, then medium, then low; then the NEWS2 risk band; then a
 * resident we have lost sight of (stale) before one we can see; then by name, so equal tiles keep a
 * fixed, findable order.
 */
export function compareUrgency(a: WardEntry, b: WardEntry, collator: Intl.Collator): number {
  return (
    (a.alert ? PRIORITY_RANK[a.alert] : NO_ALERT) - (b.alert ? PRIORITY_RANK[b.alert] : NO_ALERT) ||
    (a.risk ? RISK_RANK[a.risk] : NO_RISK) - (b.risk ? RISK_RANK[b.risk] : NO_RISK) ||
    Number(b.stale) - Number(a.stale) ||
    collator.compare(a.name, b.name) ||
    a.id.localeCompare(b.id)
  );
}

export function rankByUrgency(entries: readonly WardEntry[], collator: Intl.Collator): string[] {
  return [...entries].sort((a, b) => compareUrgency(a, b, collator)).map((e) => e.id);
}

/** The order on screen and what it was decided from. */
export interface SettledOrder {
  ids: readonly string[];
  /** When the order was last decided (epoch ms). */
  at: number;
  /** Open high alerts known at that moment. */
  highAlertIds: ReadonlySet<string>;
}

/**
 * Tiles must not jump on every sample: a carer reaching for a tile should find it where it was. The
 * order is decided again at most once per `settleMs`, except at once when a new high alert opens
 * (the one thing that must come to the top now) or residents join or leave the ward.
 */
export const SETTLE_MS = 60_000;

export function settleOrder(
  prev: SettledOrder | undefined,
  entries: readonly WardEntry[],
  nowMs: number,
  collator: Intl.Collator,
  settleMs = SETTLE_MS,
): SettledOrder {
  const highs = new Set(entries.flatMap((e) => e.highAlertIds));
  const fresh = (): SettledOrder => ({ ids: rankByUrgency(entries, collator), at: nowMs, highAlertIds: highs });
  if (!prev || nowMs - prev.at >= settleMs || nowMs < prev.at) return fresh();
  if ([...highs].some((id) => !prev.highAlertIds.has(id))) return fresh();
  const present = new Set(entries.map((e) => e.id));
  if (present.size !== prev.ids.length || prev.ids.some((id) => !present.has(id))) return fresh();
  // Nothing urgent: keep the order; remember closed high alerts as gone so a re-raise counts as new.
  if (highs.size !== prev.highAlertIds.size) return { ...prev, highAlertIds: highs };
  return prev;
}
