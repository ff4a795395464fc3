import type { AlertOutcome, Explanation, Priority, Role } from '@vigil/contracts';

/** Text next to the colour, never colour alone (WCAG 1.4.1; IEC 60601-1-8 priorities). */
export const PRIORITY_LABEL: Record<Priority, string> = { high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Administrator',
  manager: 'Manager',
  caregiver: 'Caregiver',
  medical: 'Medical',
  resident: 'Resident',
};

export const OUTCOME_LABEL: Record<AlertOutcome, string> = {
  handled: 'Handled',
  false_alarm: 'False alarm',
  transferred: 'Transferred',
  no_action_needed: 'No action needed',
  self_cleared: 'Cleared by itself',
  cancelled: 'Cancelled by the resident',
};

/** "just now", "45 s", "12 min", "2 h 5 min": short enough to read at a glance across the room. */
export function since(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - fromMs) / 1000));
  if (!Number.isFinite(s)) return 'unknown';
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min ago`;
  return `${Math.floor(h / 24)} d ${h % 24} h ago`;
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

const INPUT_LABEL: Record<string, string> = {
  hr: 'Heart rate',
  spo2: 'SpO2',
  rr: 'Respiration',
  sbp: 'Systolic BP',
  dbp: 'Diastolic BP',
  temp: 'Temperature',
  battery: 'Battery',
  news2: 'NEWS2',
};
const INPUT_UNIT: Record<string, string> = {
  hr: ' bpm',
  spo2: ' %',
  rr: ' /min',
  sbp: ' mmHg',
  dbp: ' mmHg',
  temp: ' °C',
  battery: ' %',
};

function humanKey(k: string): string {
  const label = INPUT_LABEL[k];
  if (label) return label;
  const words = k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function humanValue(k: string, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return `${Number.isInteger(v) ? v : v.toFixed(1)}${INPUT_UNIT[k] ?? ''}`;
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

const LIMIT_LABEL: Record<string, string> = {
  criticalLow: 'critical ≤',
  low: 'alert ≤',
  high: 'alert ≥',
  criticalHigh: 'critical ≥',
};

/** One explanation input as a caregiver reads it; undefined hides inputs the card already shows. */
function humanInput(k: string, v: unknown, vital: string | undefined): string | undefined {
  if (k === 'type') return undefined; // the event type is the alert's title already
  if (k === 'ts' || k === 'lastSeenAt') {
    const label = k === 'ts' ? 'At' : 'Last seen';
    return typeof v === 'string' ? `${label} ${clockTime(Date.parse(v), true)}` : `${label} —`;
  }
  if (k === 'deviceId') return `Device ${String(v)}`;
  if (k === 'limits' && typeof v === 'object' && v !== null) {
    const unit = (vital && INPUT_UNIT[vital]) ?? '';
    const parts = Object.entries(LIMIT_LABEL).flatMap(([key, label]) => {
      const n = (v as Record<string, unknown>)[key];
      return typeof n === 'number' ? [`${label} ${n}${unit}`] : [];
    });
    return `Limits: ${parts.join(', ')}`;
  }
  return `${humanKey(k)}: ${humanValue(k, v)}`;
}

/** "Why this alert": the rule, its condition and the values it saw (contract §3.1 explanation). */
export function explain(e: Explanation): { rule: string; condition: string; inputs: string[] } {
  const entries = Object.entries(e.inputs ?? {});
  const vital = entries.find(([k]) => k in INPUT_UNIT)?.[0];
  const inputs = entries.flatMap(([k, v]) => humanInput(k, v, vital) ?? []);
  const condition = e.window ? `${e.condition} (over ${e.window})` : e.condition;
  return { rule: e.rule, condition, inputs };
}
