import type { Alert, AlertKind, Explanation, VitalKey } from '@vigil/contracts';
import { duration } from './format.ts';
import { tExplain } from './i18n/explain.ts';
import { formatNumber } from './i18n/format.ts';
import { alertKindLabel, riskLabel, vitalName } from './i18n/labels.ts';
import { vitalValue } from './vital-text.ts';

/**
 * An alert's title and "why" in the language in force, built from its kind and values: the server's
 * title and condition are English and written for the audit trail. Without the values (the resident's
 * consent does not cover this viewer) the kind's plain name is the title, as on the server.
 */

const VITAL_KIND = /^vital\.(hr|spo2|rr|sbp|temp)_(high|low)$/;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

function vitalOf(kind: string): { key: VitalKey; dir: 'high' | 'low' } | undefined {
  const m = VITAL_KIND.exec(kind);
  return m ? { key: m[1] as VitalKey, dir: m[2] as 'high' | 'low' } : undefined;
}

function news2Title(news2: Record<string, unknown>, priority: Alert['priority'] | undefined): string | undefined {
  const score = num(news2.score);
  if (score === undefined) return undefined;
  if (priority === 'high' || news2.risk === 'high') return tExplain('news2Emergency', { score });
  if (news2.risk === 'medium') return tExplain('news2Urgent', { score });
  if (news2.risk === 'low_medium') return tExplain('news2Red', { score });
  return tExplain('news2Score', { score });
}

/** The card's, notification's and task's title for an alert, e.g. "Heart rate high: 125 bpm" / "心率偏高：125 次/分". */
export function alertTitle(
  a: Pick<Alert, 'kind' | 'explanation'> & Partial<Pick<Alert, 'priority' | 'raisedAt'>>,
): string {
  const inputs = a.explanation.inputs ?? {};
  const plain = alertKindLabel(a.kind);
  const vital = vitalOf(a.kind);
  if (vital) {
    const v = num(inputs[vital.key]);
    if (v === undefined) return plain;
    const p = { name: vitalName(vital.key), value: vitalValue(vital.key, v) };
    return vital.dir === 'high' ? tExplain('vitalHigh', p) : tExplain('vitalLow', p);
  }
  switch (a.kind) {
    case 'news2':
      return news2Title(obj(inputs.news2), a.priority) ?? plain;
    case 'device.low_battery': {
      const b = num(inputs.battery);
      return b === undefined ? plain : tExplain('batteryTitle', { pct: `${formatNumber(b, 0)}%` });
    }
    case 'facility.air_temp': {
      const t = num(inputs.airTemp);
      return t === undefined ? plain : tExplain('airTempTitle', { value: `${formatNumber(t, 1)} °C` });
    }
    case 'resident.inactivity': {
      const last = typeof inputs.lastMoveAt === 'string' ? Date.parse(inputs.lastMoveAt) : Number.NaN;
      const span = Date.parse(a.raisedAt ?? '') - last;
      return Number.isFinite(span) && span > 0
        ? tExplain('inactivityTitle', { span: duration(Math.floor(span / 60_000) * 60_000) })
        : plain;
    }
    case 'vital.hr_baseline': {
      const hr = num(inputs.hr);
      const mean = num(inputs.baselineMean);
      return hr === undefined || mean === undefined
        ? plain
        : tExplain('baselineTitle', { value: vitalValue('hr', hr), usual: vitalValue('hr', mean) });
    }
    default:
      return plain;
  }
}

/** Which of a vital's limits the value is past: the furthest one it reached. */
function limitReached(
  limits: Record<string, unknown>,
  dir: 'high' | 'low',
  v: number,
): { limit: number; level: 'levelAlert' | 'levelUrgent' | 'levelDanger' } | undefined {
  const critical = obj(limits.critical);
  const tiers = [
    { limit: num(critical[dir]), level: 'levelDanger' as const },
    { limit: num(dir === 'high' ? limits.criticalHigh : limits.criticalLow), level: 'levelUrgent' as const },
    { limit: num(limits[dir]), level: 'levelAlert' as const },
  ];
  const past = (l: number) => (dir === 'high' ? v >= l : v <= l);
  for (const t of tiers) if (t.limit !== undefined && past(t.limit)) return { limit: t.limit, level: t.level };
  return undefined;
}

function news2Why(news2: Record<string, unknown>): string | undefined {
  const score = num(news2.score);
  if (score === undefined || typeof news2.risk !== 'string') return undefined;
  const sentence = tExplain('news2Why', { score, risk: riskLabel(news2.risk as never) });
  const missing = Array.isArray(news2.missing) ? news2.missing.length : 0;
  return news2.partial === true
    ? `${sentence} ${tExplain('news2Measured', { measured: 7 - missing, total: 7 })}`
    : sentence;
}

const EVENT_WHY: Partial<Record<AlertKind, Parameters<typeof tExplain>[0]>> = {
  sos: 'sosWhy',
  fall: 'fallWhy',
  'device.offline': 'offlineWhy',
  'device.low_battery': 'lowBatteryWhy',
  'device.not_worn': 'notWornWhy',
  'device.wear_conflict': 'wearConflictWhy',
  'device.no_data': 'noDataWhy',
  'facility.water_leak': 'waterLeakWhy',
  'facility.smoke': 'smokeWhy',
  'facility.power_loss': 'powerLossWhy',
  'resident.inactivity': 'inactivityWhy',
};

/** "Why this alert" as one plain sentence: the value, the limit it reached, what it means. */
export function whySentence(kind: AlertKind | undefined, e: Pick<Explanation, 'inputs' | 'condition'>): string {
  const inputs = e.inputs ?? {};
  // An event says nothing about the resident's health beyond its kind, which the title shows anyway.
  const event = kind && EVENT_WHY[kind];
  if (event) return tExplain(event as 'sosWhy');
  if (e.condition.startsWith('withheld')) return tExplain('withheldWhy');
  const vital = kind && vitalOf(kind);
  if (vital) {
    const v = num(inputs[vital.key]);
    if (v !== undefined) {
      const name = vitalName(vital.key);
      const value = vitalValue(vital.key, v);
      const reached = limitReached(obj(inputs.limits), vital.dir, v);
      if (!reached) return tExplain('pastLimit', { name, value });
      const p = { name, value, limit: vitalValue(vital.key, reached.limit), level: tExplain(reached.level) };
      return vital.dir === 'high' ? tExplain('aboveLimit', p) : tExplain('belowLimit', p);
    }
  }
  if (kind === 'news2') {
    const why = news2Why(obj(inputs.news2));
    if (why) return why;
  }
  if (kind === 'facility.air_temp') {
    const t = num(inputs.airTemp);
    if (t !== undefined) return tExplain('airTempWhy', { value: `${formatNumber(t, 1)} °C` });
  }
  if (kind === 'vital.hr_baseline') {
    const hr = num(inputs.hr);
    const mean = num(inputs.baselineMean);
    if (hr !== undefined && mean !== undefined)
      return tExplain('baselineWhy', { value: vitalValue('hr', hr), usual: vitalValue('hr', mean) });
  }
  return kind ? alertKindLabel(kind) : '';
}
