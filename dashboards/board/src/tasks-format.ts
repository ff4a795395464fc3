import {
  AlertKind,
  type News2,
  NEWS2_PARAMS,
  type News2Param,
  PRIORITY_RANK,
  type Role,
  type SlaWarning,
  type Task,
  type TaskKind,
  type TaskState,
  VITAL_KEYS,
  VITALS,
  type VitalKey,
} from '@vigil/contracts';
import { alertTitle as localTitle } from './alert-text.ts';
import { duration, RISK_LABEL } from './format.ts';
import { tCommon } from './i18n/common.ts';
import { formatNumber } from './i18n/format.ts';
import { locale } from './i18n/locale.ts';
import { bpShort, localisedRecord, TASK_KIND_WORDS, TASK_STATE_WORDS, vitalShort } from './i18n/labels.ts';
import { tPanels, tTasks } from './i18n/tasks.ts';
import { vitalValue } from './vital-text.ts';

/** Pure formatting and ordering for tasks (contract §3.2) and SLA warnings (§3.3); no signals, no I/O. */

export const TASK_KIND_LABEL: Readonly<Record<TaskKind, string>> = localisedRecord(TASK_KIND_WORDS);
export const TASK_STATE_LABEL: Readonly<Record<TaskState, string>> = localisedRecord(TASK_STATE_WORDS);

/** Roles that take tasks themselves and so see "My tasks" and the duty toggle. */
export const TASK_ROLES: readonly Role[] = ['caregiver', 'medical', 'maintenance'];
export const isTaskRole = (role: Role | undefined): boolean => role !== undefined && TASK_ROLES.includes(role);
export const isManagerRole = (role: Role | undefined): boolean => role === 'manager' || role === 'admin';

export const isClosed = (t: Pick<Task, 'state'>): boolean => t.state === 'done' || t.state === 'cancelled';

const ms = (iso: string | undefined): number => (iso === undefined ? Number.NaN : Date.parse(iso));

/** "45 s", "2 min 5 s" (seconds matter under 10 min), "12 min", "1 h 5 min": for countdowns and SLA figures. */
export function span(msValue: number): string {
  if (!Number.isFinite(msValue)) return tCommon('unknown');
  const s = Math.max(0, Math.floor(msValue / 1000));
  const n = (v: number) => formatNumber(v, 0);
  if (s < 60) return tCommon('seconds', { n: n(s) });
  if (s < 600)
    return s % 60
      ? tCommon('minutesSeconds', { m: n(Math.floor(s / 60)), s: n(s % 60) })
      : tCommon('minutes', { n: n(s / 60) });
  return duration(msValue);
}

export type TaskStep = 'accept' | 'start' | 'complete';

/** Which steps the task offers this user now (the server still decides, and says why when it refuses). */
export function stepsFor(task: Pick<Task, 'state'>, mine: boolean): { steps: TaskStep[]; decline: boolean } {
  if (task.state === 'open') return { steps: ['accept'], decline: false };
  if (!mine) return { steps: [], decline: false };
  if (task.state === 'assigned') return { steps: ['accept'], decline: true };
  if (task.state === 'accepted') return { steps: ['start', 'complete'], decline: false };
  if (task.state === 'in_progress') return { steps: ['complete'], decline: false };
  return { steps: [], decline: false };
}

export interface Due {
  verb: 'Accept' | 'Complete';
  at: number;
}

/** The deadline that matters now: accept while not accepted, complete once under way, none when closed. */
export function dueOf(t: Pick<Task, 'state' | 'acceptBy' | 'completeBy'>): Due | undefined {
  if (t.state === 'open' || t.state === 'assigned') return { verb: 'Accept', at: ms(t.acceptBy) };
  if (t.state === 'accepted' || t.state === 'in_progress') return { verb: 'Complete', at: ms(t.completeBy) };
  return undefined;
}

export interface Countdown {
  text: string;
  overdue: boolean;
  /** Under SOON_MS left: worth a second look. */
  soon: boolean;
}
export const SOON_MS = 30_000;

/** "Accept within 1 min 20 s" or "Accept overdue by 45 s". */
export function countdown(due: Due, nowMs: number): Countdown {
  const accept = due.verb === 'Accept';
  if (!Number.isFinite(due.at))
    return { text: tTasks(accept ? 'acceptBy' : 'completeBy'), overdue: false, soon: false };
  const left = due.at - nowMs;
  return left > 0
    ? {
        text: tTasks(accept ? 'acceptWithin' : 'completeWithin', { span: span(left) }),
        overdue: false,
        soon: left < SOON_MS,
      }
    : { text: tTasks(accept ? 'acceptOverdue' : 'completeOverdue', { span: span(-left) }), overdue: true, soon: false };
}

interface Viewer {
  id: string;
  role: Role;
}

/**
 * Whether a task belongs in this user's "My tasks": their own (any state, closed ones linger briefly),
 * and for caregivers, medical and maintenance staff the open ones of their role they have not passed on.
 */
export function inMyTasks(t: Task, user: Viewer): boolean {
  if (t.assigneeId === user.id) return true;
  return (
    t.state === 'open' &&
    !t.assigneeId &&
    isTaskRole(user.role) &&
    t.role === user.role &&
    !t.passedBy?.includes(user.id)
  );
}

/** Mine and under way first, then open ones, then closed; each by priority, then accept-by, then id. */
export function compareTasks(userId: string) {
  const group = (t: Task) => (isClosed(t) ? 2 : t.assigneeId === userId ? 0 : 1);
  return (a: Task, b: Task): number =>
    group(a) - group(b) ||
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    (ms(a.acceptBy) || 0) - (ms(b.acceptBy) || 0) ||
    a.id.localeCompare(b.id);
}

const PROGRESS: Record<TaskState, number> = {
  open: 0,
  assigned: 0,
  accepted: 1,
  in_progress: 2,
  done: 3,
  cancelled: 3,
};

/**
 * Which of two copies of one task is newer, when a REST snapshot, an action's response and live events
 * cross. Closing is final; acceptance and start only move forward; a decline or a time-out grows
 * `passedBy`; escalation grows the level and the priority only rises; a reassignment is newer by time.
 */
export function isNewerTask(a: Task, b: Task): boolean {
  const at = (t: Task) => (t.assignedAt ? Date.parse(t.assignedAt) : Number.NEGATIVE_INFINITY);
  const diff =
    PROGRESS[a.state] - PROGRESS[b.state] ||
    (a.passedBy?.length ?? 0) - (b.passedBy?.length ?? 0) ||
    a.escalationLevel - b.escalationLevel ||
    PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
    (at(a) === at(b) ? 0 : at(a) > at(b) ? 1 : -1) ||
    Number(a.deliveredAt !== undefined) - Number(b.deliveredAt !== undefined);
  return diff > 0;
}

/** Newest first, then by id so equal times keep a stable order. */
export function compareWarnings(a: SlaWarning, b: SlaWarning): number {
  return ms(b.raisedAt) - ms(a.raisedAt) || b.id.localeCompare(a.id);
}

/** `load` from `GET /api/users`: a count, or counts by state (summed), or a `total`. */
export function openLoad(load: unknown): number | undefined {
  if (typeof load === 'number' && Number.isFinite(load)) return load;
  if (load && typeof load === 'object') {
    const o = load as Record<string, unknown>;
    if (typeof o.total === 'number') return o.total;
    const nums = Object.values(o).filter((v): v is number => typeof v === 'number');
    return nums.length ? nums.reduce((s, v) => s + v, 0) : undefined;
  }
  return undefined;
}

export function loadText(n: number | undefined): string {
  if (n === undefined) return tPanels('loadUnknown');
  return n === 0 ? tPanels('noOpenTasks') : tPanels('openTasks', { n });
}

// ---- Remote consult context (contract §3.2 `context`) ----

type Vital = VitalKey;
/** Every vital, short-labelled, at the precision it is read at (contracts `VITALS`). */
const VITAL_ROWS = VITAL_KEYS.map((key) => ({
  key,
  get label() {
    return vitalShort(key);
  },
  digits: VITALS[key].decimals,
}));

/** NEWS2 parameters as the sub-score line names them: a vital by its short label. */
const subscoreLabel = (p: News2Param): string =>
  p === 'air' ? tTasks('airOxygen') : p === 'consciousness' ? tTasks('consciousness') : vitalShort(p);

export interface LatestLine {
  key: string;
  label: string;
  value: string;
  /** Device time of the value (epoch ms), when known. */
  at?: number;
}
export interface TrendRow {
  key: Vital;
  label: string;
  range: string;
  mean: string;
  outOfRange: string;
  samples: number;
}
export interface News2View {
  score: number;
  risk: News2['risk'];
  text: string;
  subscores: string;
}
export interface ConsultView {
  alertTitle?: string;
  latest: LatestLine[];
  news2?: News2View;
  trend: TrendRow[];
  worstNews2?: string;
  carePlan: string[];
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fixed = (v: number, digits: number) => v.toFixed(digits);

function pct(p: number): string {
  const percent = (v: number) =>
    new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 0 }).format(v / 100);
  if (p <= 0) return percent(0);
  if (p < 1) return `<${percent(1)}`;
  return percent(Math.round(p));
}

function news2View(v: unknown): News2View | undefined {
  const n = obj(v);
  const score = num(n?.score);
  if (!n || score === undefined || typeof n.risk !== 'string' || !(n.risk in RISK_LABEL)) return undefined;
  const risk = n.risk as News2['risk'];
  const subs = obj(n.subscores) ?? {};
  const subscores = NEWS2_PARAMS.flatMap((k) => {
    const s = num(subs[k]);
    return s === undefined ? [] : [`${subscoreLabel(k)} ${s}`];
  }).join(' · ');
  const missing = Array.isArray(n.missing) ? n.missing.length : 0;
  const line = tTasks('news2Line', { score, risk: RISK_LABEL[risk] });
  const partial = n.partial === true ? ` · ${tTasks('measuredOf', { measured: 7 - missing, total: 7 })}` : '';
  return { score, risk, text: `${line}${partial}`, subscores };
}

function latestLines(v: unknown): LatestLine[] {
  const latest = obj(v) ?? {};
  const read = (k: string) => {
    const r = obj(latest[k]);
    const value = num(r?.v);
    const at = typeof r?.at === 'string' ? Date.parse(r.at) : num(r?.at ?? r?.ts);
    return value === undefined ? undefined : { value, at: at !== undefined && Number.isFinite(at) ? at : undefined };
  };
  const out: LatestLine[] = [];
  for (const { key, label, digits } of VITAL_ROWS) {
    if (key === 'dbp') continue;
    const r = read(key);
    if (key === 'sbp') {
      const d = read('dbp');
      if (r) {
        out.push({
          key: 'bp',
          label: bpShort(),
          value: `${fixed(r.value, 0)}/${d ? fixed(d.value, 0) : '—'} ${VITALS.sbp.unit}`,
          ...(r.at !== undefined && { at: r.at }),
        });
      }
      continue;
    }
    if (r) out.push({ key, label, value: vitalValue(key, r.value, digits), ...(r.at !== undefined && { at: r.at }) });
  }
  return out;
}

function trendRows(v: unknown): TrendRow[] {
  const vitals = obj(obj(v)?.vitals) ?? {};
  return VITAL_ROWS.flatMap(({ key, label, digits }) => {
    const s = obj(vitals[key]);
    const min = num(s?.min);
    const max = num(s?.max);
    if (!s || min === undefined || max === undefined) return [];
    const mean = num(s.mean);
    const p = num(s.outOfRangePct);
    return [
      {
        key,
        label,
        range: `${fixed(min, digits)}–${vitalValue(key, max, digits)}`,
        mean: mean === undefined ? '—' : vitalValue(key, mean, digits),
        outOfRange: p === undefined ? '—' : pct(p),
        samples: num(s.samples) ?? 0,
      },
    ];
  });
}

function carePlanLines(v: unknown): string[] {
  const cp = obj(v);
  if (!cp) return [];
  const out: string[] = [];
  if (cp.onOxygen === true) out.push(tTasks('onOxygen'));
  if (cp.spo2Scale === 2) out.push(tTasks('spo2Scale2'));
  const own = Object.keys(obj(cp.thresholds) ?? {})
    .map((k) => VITAL_ROWS.find((x) => x.key === k)?.label ?? k)
    .join(tCommon('listSep'));
  if (own) out.push(tTasks('ownLimits', { list: own }));
  if (obj(cp.baseline)?.enabled === false) out.push(tTasks('baselineOff'));
  return out;
}

/** What a doctor needs to start a remote consult, read tolerantly from the task's `context`. */
export function consultView(context: unknown): ConsultView | undefined {
  const c = obj(context);
  if (!c) return undefined;
  const alert = obj(c.alert);
  // The alert's title in the board's language, from its kind and values (the context's NEWS2 when the
  // explanation's values were left out); the server's English title only for a kind the board does not know.
  const kind = AlertKind.safeParse(alert?.kind);
  const inputs = { ...obj(obj(alert?.explanation)?.inputs), ...(c.news2 ? { news2: c.news2 } : {}) };
  const alertTitle = kind.success
    ? localTitle({ kind: kind.data, explanation: { rule: '', condition: '', inputs } })
    : alert?.title;
  const news2 = news2View(c.news2);
  const worst = news2View(obj(c.trend)?.worstNews2);
  return {
    ...(typeof alertTitle === 'string' && { alertTitle }),
    latest: latestLines(c.latest),
    ...(news2 && { news2 }),
    trend: trendRows(c.trend),
    ...(worst && { worstNews2: tTasks('worstInHour', { score: worst.score, risk: RISK_LABEL[worst.risk] }) }),
    carePlan: carePlanLines(c.carePlan),
  };
}
