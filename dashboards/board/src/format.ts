import {
  AIR_TEMP,
  type Alert,
  type AlertKind,
  type AlertOutcome,
  BATTERY,
  type Explanation,
  perVital,
  type Priority,
  type Resident,
  type RiskLevel,
  type Role,
  VITAL_KEYS,
  VITALS,
} from '@vigil/contracts';

/** Text next to the colour, never colour alone (WCAG 1.4.1; IEC 60601-1-8 priorities). */
export const PRIORITY_LABEL: Record<Priority, string> = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

/** NEWS2 clinical risk bands (chart 4) in words. */
export const RISK_LABEL: Record<RiskLevel, string> = {
  low: 'low risk',
  low_medium: 'low–medium risk',
  medium: 'medium risk',
  high: 'high risk',
};

export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Administrator',
  manager: 'Manager',
  caregiver: 'Caregiver',
  medical: 'Medical',
  resident: 'Resident',
  maintenance: 'Maintenance',
};

export const OUTCOME_LABEL: Record<AlertOutcome, string> = {
  handled: 'Handled',
  false_alarm: 'False alarm',
  transferred: 'Transferred',
  no_action_needed: 'No action needed',
  self_cleared: 'Cleared by itself',
  cancelled: 'Cancelled by the resident',
};

/** "45 s", "12 min", "2 h 5 min", "1 d 3 h": a span of time, short enough to read at a glance. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (!Number.isFinite(s)) return 'unknown';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "just now", "45 s ago", "12 min ago", "2 h 5 min ago": how long ago, read across the room. */
export function since(fromMs: number, nowMs: number): string {
  const ms = nowMs - fromMs;
  if (!Number.isFinite(ms)) return 'unknown';
  return ms < 10_000 ? 'just now' : `${duration(ms)} ago`;
}

export function clockTime(ms: number, withSeconds = false): string {
  return Number.isFinite(ms)
    ? new Date(ms).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
        ...(withSeconds && { second: '2-digit' }),
        hourCycle: 'h23',
      })
    : '';
}

/** Explanation inputs by name; vitals, battery and air temperature as the contracts name them. */
const INPUT_LABEL: Record<string, string> = {
  ...perVital(VITAL_KEYS, (k) => VITALS[k].name),
  battery: BATTERY.name,
  news2: 'NEWS2',
  airTemp: AIR_TEMP.name,
  steps: 'Step count',
  limit: 'Alert above',
  ageMs: 'No data for',
};
/** The inputs with a unit; a vital's key here also tells `explain` which vital a limit is in. */
const INPUT_UNIT: Record<string, string> = {
  ...perVital(VITAL_KEYS, (k) => ` ${VITALS[k].unit}`),
  battery: ` ${BATTERY.unit}`,
  airTemp: ` ${AIR_TEMP.unit}`,
};
/** Times in the inputs (ISO, device time) and how a caregiver reads them. */
const TIME_LABEL: Record<string, string> = {
  ts: 'At',
  lastSeenAt: 'Last seen',
  lastMoveAt: 'Last moved',
  since: 'Began',
};
/** What a missing time means, where "—" would not say it. */
const NO_TIME: Record<string, string> = {
  lastMoveAt: 'Last moved: not since monitoring began',
};

function humanKey(k: string): string {
  const label = INPUT_LABEL[k];
  if (label) return label;
  const words = k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function num(v: number, unit = ''): string {
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
}

function humanValue(k: string, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return k.endsWith('Ms') ? duration(v) : num(v, INPUT_UNIT[k]);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'score' in v) {
    // A NEWS2 object (contract §4.1): the score and its risk band say it all at the bedside.
    const n = v as { score: unknown; risk?: unknown; partial?: unknown };
    return `${String(n.score)}${n.risk ? ` (${String(n.risk).replace('_', '–')} risk)` : ''}${n.partial ? ', partial' : ''}`;
  }
  const json = JSON.stringify(v);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

/** The tiers of a vital's limits as the card lists them (medium alert, high tier, critical fast path). */
const LIMIT_LABEL: Record<string, string> = {
  low: 'alert ≤',
  high: 'alert ≥',
  criticalLow: 'high ≤',
  criticalHigh: 'high ≥',
};
const CRITICAL_LABEL: Record<string, string> = { low: 'critical ≤', high: 'critical ≥' };

/** How a condition reached its priority (explanation `path`), in a carer's words. */
export const PATH_LABEL: Record<NonNullable<Explanation['path']>, string> = {
  sustained: 'held over its window',
  confirmed: 'confirmed by the next reading',
  critical_stream: 'critical limit, a few seconds of readings',
  critical_spot: 'critical limit, a single reading',
};

/** One explanation input as a caregiver reads it; undefined hides inputs the card already shows. */
function humanInput(k: string, v: unknown, vital: string | undefined): string | undefined {
  if (k === 'type') return undefined; // the event type is the alert's title already
  const timeLabel = TIME_LABEL[k];
  if (timeLabel) {
    const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (Number.isFinite(ms)) return `${timeLabel} ${clockTime(ms, true)}`;
    return NO_TIME[k] ?? `${timeLabel} —`;
  }
  if (k === 'deviceId') return `Device ${String(v)}`;
  if (k === 'limits' && typeof v === 'object' && v !== null) {
    const unit = (vital && INPUT_UNIT[vital]) ?? '';
    const parts = Object.entries(LIMIT_LABEL).flatMap(([key, label]) => {
      const n = (v as Record<string, unknown>)[key];
      return typeof n === 'number' ? [`${label} ${n}${unit}`] : [];
    });
    const critical = (v as { critical?: Record<string, unknown> }).critical ?? {};
    for (const [key, label] of Object.entries(CRITICAL_LABEL)) {
      const n = critical[key];
      if (typeof n === 'number') parts.push(`${label} ${n}${unit}`);
    }
    return `Limits: ${parts.join(', ')}`;
  }
  if (k === 'readings' && typeof v === 'object' && v !== null) {
    const r = v as { pastLimit?: unknown; total?: unknown };
    return `Readings past the limit: ${String(r.pastLimit)} of ${String(r.total)}`;
  }
  // A single limit (e.g. the resident's own baseline limit) is in the unit of the vital it judges.
  if (k === 'limit' && typeof v === 'number') return `${humanKey(k)}: ${num(v, (vital && INPUT_UNIT[vital]) ?? '')}`;
  return `${humanKey(k)}: ${humanValue(k, v)}`;
}

export interface Explained {
  rule: string;
  condition: string;
  /** The persistence window the condition was judged over, when the rule has one. */
  window?: string;
  /** How the condition reached its priority. */
  path?: string;
  /** Raised from late data: when the deciding reading was taken, and how late it came. */
  late?: string;
  inputs: string[];
}

export interface ExplainOptions {
  /** Leave out `inputs.since` (when the card already says "ongoing since"). */
  omitSince?: boolean;
}

/** "Why this alert": the rule, its condition and the values it saw (contract §3.1 explanation). */
export function explain(e: Explanation, kind?: AlertKind, options: ExplainOptions = {}): Explained {
  let entries = Object.entries(e.inputs ?? {});
  if (options.omitSince) entries = entries.filter(([k]) => k !== 'since');
  const vital = entries.find(([k]) => k in INPUT_UNIT)?.[0];
  const inputs: string[] = [];
  const { baselineMean: mean, baselineSd: sd } = e.inputs ?? {};
  // Resting HR against the resident's own baseline: "usually 72 ± 4.1 bpm" reads better than two figures.
  const baseline = (kind === 'vital.hr_baseline' || kind === undefined) && typeof mean === 'number';
  for (const [k, v] of entries) {
    if (baseline && (k === 'baselineMean' || k === 'baselineSd')) {
      if (k === 'baselineMean') {
        const unit = (vital && INPUT_UNIT[vital]) ?? '';
        inputs.push(`Usual resting: ${num(mean)}${typeof sd === 'number' ? ` ± ${num(sd)}` : ''}${unit}`);
      }
      continue;
    }
    const text = humanInput(k, v, vital);
    if (text !== undefined) inputs.push(text);
  }
  const late =
    e.late && `taken ${clockTime(Date.parse(e.late.observedAt), true)}, arrived ${duration(e.late.delayMs)} later`;
  return {
    rule: e.rule,
    condition: e.condition,
    ...(e.window && { window: e.window }),
    ...(e.path && { path: PATH_LABEL[e.path] }),
    ...(late && { late }),
    inputs,
  };
}

/** Whether the condition behind an open alert still holds, as one line on its card. */
export interface ConditionStatus {
  holds: boolean;
  text: string;
}

/**
 * "Condition ongoing since 09:58" or, for a latched alert whose condition cleared, "Condition
 * cleared at 10:05 — check the resident, then resolve". Undefined for one-off events (SOS, fall)
 * and for resolved alerts.
 */
export function conditionStatus(
  a: Pick<Alert, 'state' | 'conditionHolds' | 'conditionClearedAt' | 'explanation'>,
): ConditionStatus | undefined {
  if (a.state === 'resolved' || a.conditionHolds === undefined) return undefined;
  if (a.conditionHolds) {
    const began = a.explanation.inputs?.since;
    const ms = typeof began === 'string' ? Date.parse(began) : Number.NaN;
    return {
      holds: true,
      text: Number.isFinite(ms) ? `Condition ongoing since ${clockTime(ms)}` : 'Condition ongoing',
    };
  }
  const ms = a.conditionClearedAt ? Date.parse(a.conditionClearedAt) : Number.NaN;
  const at = Number.isFinite(ms) ? ` at ${clockTime(ms)}` : '';
  return { holds: false, text: `Condition cleared${at} — check the resident, then resolve` };
}

/**
 * "Called again 10:05": the alert was re-raised (contract §3.1), a new SOS press, a new fall or a
 * worsening on the same alert, so it is a new call for help. Undefined when it never was, or once
 * resolved.
 */
export function calledAgain(a: Pick<Alert, 'state' | 'reraisedAt'>): string | undefined {
  if (a.state === 'resolved' || a.reraisedAt === undefined) return undefined;
  const ms = Date.parse(a.reraisedAt);
  return Number.isFinite(ms) ? `Called again ${clockTime(ms)}` : 'Called again';
}

/** Room, zone and (only under the resident's location consent) GPS, as one line. */
export function placeText(
  alert: Pick<Alert, 'roomId' | 'zoneId' | 'location'>,
  resident: Pick<Resident, 'roomId' | 'zoneId'> | undefined,
): string {
  const parts: string[] = [];
  const room = alert.roomId ?? resident?.roomId;
  const zone = alert.zoneId ?? resident?.zoneId;
  if (room) parts.push(`Room ${room}`);
  if (zone) parts.push(`Zone ${zone}`);
  const loc = alert.location;
  // Location is only present under the resident's location consent (contract §1.2, §4.3).
  if (loc && 'lat' in loc) {
    parts.push(
      `GPS ${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}${loc.accuracyM ? ` ±${Math.round(loc.accuracyM)} m` : ''}`,
    );
  }
  return parts.join(' · ');
}
