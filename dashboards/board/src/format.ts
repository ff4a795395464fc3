import type { Alert, AlertKind, Explanation, Resident } from '@vigil/contracts';
import { whySentence } from './alert-text.ts';
import { tAlerts } from './i18n/alerts.ts';
import { tCommon } from './i18n/common.ts';
import { tExplain } from './i18n/explain.ts';
import { formatNumber } from './i18n/format.ts';
import {
  localisedRecord,
  OUTCOME_WORDS,
  PATH_WORDS,
  PRIORITY_WORDS,
  pathLabel,
  RISK_WORDS,
  ROLE_WORDS,
} from './i18n/labels.ts';
import { locale } from './i18n/locale.ts';
import { vitalValue } from './vital-text.ts';
import { zoneText } from './zones.ts';

/** Text next to the colour, never colour alone (WCAG 1.4.1; IEC 60601-1-8 priorities). */
export const PRIORITY_LABEL = localisedRecord(PRIORITY_WORDS);
/** NEWS2 clinical risk bands (chart 4) in words. */
export const RISK_LABEL = localisedRecord(RISK_WORDS);
export const ROLE_LABEL = localisedRecord(ROLE_WORDS);
export const OUTCOME_LABEL = localisedRecord(OUTCOME_WORDS);
/** How a condition reached its priority (explanation `path`), in a carer's words. */
export const PATH_LABEL = localisedRecord(PATH_WORDS);

const n = (v: number): string => formatNumber(v, 0);

/** "45 s", "12 min", "2 h 5 min", "1 d 3 h" (or 45 秒, 12 分钟…): a span read at a glance. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (!Number.isFinite(s)) return tCommon('unknown');
  if (s < 60) return tCommon('seconds', { n: n(s) });
  const m = Math.floor(s / 60);
  if (m < 60) return tCommon('minutes', { n: n(m) });
  const h = Math.floor(m / 60);
  if (h < 24) return tCommon('hoursMinutes', { h: n(h), m: n(m % 60) });
  return tCommon('daysHours', { d: n(Math.floor(h / 24)), h: n(h % 24) });
}

/** "just now", "45 s ago", "12 min ago", "2 h 5 min ago": how long ago, read across the room. */
export function since(fromMs: number, nowMs: number): string {
  const ms = nowMs - fromMs;
  if (!Number.isFinite(ms)) return tCommon('unknown');
  return ms < 10_000 ? tCommon('justNow') : tCommon('ago', { span: duration(ms) });
}

/** 24-hour clock time in the language in force (as in care records, in China and elsewhere). */
export function clockTime(ms: number, withSeconds = false): string {
  return Number.isFinite(ms)
    ? new Intl.DateTimeFormat(locale.value, {
        hour: '2-digit',
        minute: '2-digit',
        ...(withSeconds && { second: '2-digit' }),
        hourCycle: 'h23',
      }).format(ms)
    : '';
}

const timeOf = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : Number.NaN);
const VITAL_INPUTS = ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp'] as const;
type VitalInput = (typeof VITAL_INPUTS)[number];
const isVital = (k: string): k is VitalInput => (VITAL_INPUTS as readonly string[]).includes(k);

/** "alert ≥ 120 bpm, urgent ≥ 140 bpm, danger ≥ 160 bpm": a vital's limits as the card lists them. */
function limitsText(v: Record<string, unknown>, vital: VitalInput | undefined): string | undefined {
  const show = (x: number) => (vital ? vitalValue(vital, x) : formatNumber(x));
  const parts: string[] = [];
  const add = (key: 'limitAlert' | 'limitUrgent' | 'limitDanger', sign: string, x: unknown) => {
    if (typeof x === 'number') parts.push(tExplain(key, { sign, value: show(x) }));
  };
  add('limitAlert', '≤', v.low);
  add('limitAlert', '≥', v.high);
  add('limitUrgent', '≤', v.criticalLow);
  add('limitUrgent', '≥', v.criticalHigh);
  const critical = (v.critical ?? {}) as Record<string, unknown>;
  add('limitDanger', '≤', critical.low);
  add('limitDanger', '≥', critical.high);
  return parts.length ? tExplain('limits', { list: parts.join(tCommon('listSep')) }) : undefined;
}

/**
 * One explanation input as a caregiver reads it; undefined for inputs the card says elsewhere (the
 * value is in the "why" sentence, the event in the title) and for ids and internals nobody at the
 * bedside needs (device ids, raw flags).
 */
function humanInput(
  k: string,
  v: unknown,
  vital: VitalInput | undefined,
  kind: AlertKind | undefined,
): string | undefined {
  const at = timeOf(v);
  const time = Number.isFinite(at) ? clockTime(at, true) : undefined;
  switch (k) {
    case 'ts':
      return time && tExplain('at', { time });
    case 'lastSeenAt':
      return time && tExplain('lastSeen', { time });
    case 'lastMoveAt':
      return time ? tExplain('lastMoved', { time }) : tExplain('neverMoved');
    case 'since':
      return time && tExplain('began', { time });
    case 'limits':
      return typeof v === 'object' && v !== null ? limitsText(v as Record<string, unknown>, vital) : undefined;
    case 'readings': {
      // A sensor's yes/no (water, smoke, power) has no limit to be past: the "why" says it all.
      if (kind?.startsWith('facility.') && kind !== 'facility.air_temp') return undefined;
      const r = (v ?? {}) as { pastLimit?: unknown; total?: unknown };
      return typeof r.pastLimit === 'number' && typeof r.total === 'number'
        ? tExplain('readings', { past: formatNumber(r.pastLimit), total: formatNumber(r.total) })
        : undefined;
    }
    case 'battery':
      return kind === 'device.low_battery' || typeof v !== 'number'
        ? undefined
        : tExplain('battery', { value: `${formatNumber(v)} %` });
    case 'steps':
      return typeof v === 'number' ? tExplain('steps', { value: formatNumber(v) }) : undefined;
    case 'ageMs':
      return typeof v === 'number' ? tExplain('noDataFor', { span: duration(v) }) : undefined;
    default:
      return undefined;
  }
}

export interface Explained {
  /** The rule behind the alert: kept for tracing (a data attribute), never shown to carers. */
  rule: string;
  /** Why, in one plain sentence built from the alert's kind and values. */
  condition: string;
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

/** "Why this alert": a plain sentence, how it was judged and the values it saw (contract §3.1 explanation). */
export function explain(e: Explanation, kind?: AlertKind, options: ExplainOptions = {}): Explained {
  const raw = e.inputs ?? {};
  let entries = Object.entries(raw);
  if (options.omitSince) entries = entries.filter(([k]) => k !== 'since');
  const vital = entries.map(([k]) => k).find(isVital);
  const inputs: string[] = [];
  const { baselineMean: mean, baselineSd: sd } = raw;
  for (const [k, v] of entries) {
    if (k === 'baselineMean' && typeof mean === 'number') {
      const usual =
        typeof sd === 'number' ? `${formatNumber(mean)} ± ${vitalValue('hr', sd, 1)}` : vitalValue('hr', mean);
      inputs.push(tExplain('usualResting', { value: usual }));
      continue;
    }
    if (k === 'limit' && typeof v === 'number') {
      inputs.push(tExplain('ownLimit', { value: vital ? vitalValue(vital, v) : formatNumber(v) }));
      continue;
    }
    const text = humanInput(k, v, vital, kind);
    if (text !== undefined) inputs.push(text);
  }
  const late =
    e.late &&
    tAlerts('late', { taken: clockTime(Date.parse(e.late.observedAt), true), delay: duration(e.late.delayMs) });
  return {
    rule: e.rule,
    condition: whySentence(kind, e),
    ...(e.path && { path: pathLabel(e.path) }),
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
 * "Still happening since 09:58" or, for a latched alert whose condition cleared, "Back to normal at
 * 10:05 — check the resident, then resolve". Undefined for one-off events (SOS, fall) and for
 * resolved alerts.
 */
export function conditionStatus(
  a: Pick<Alert, 'state' | 'conditionHolds' | 'conditionClearedAt' | 'explanation'>,
): ConditionStatus | undefined {
  if (a.state === 'resolved' || a.conditionHolds === undefined) return undefined;
  if (a.conditionHolds) {
    const ms = timeOf(a.explanation.inputs?.since);
    return {
      holds: true,
      text: Number.isFinite(ms) ? tAlerts('ongoingSince', { time: clockTime(ms) }) : tAlerts('ongoing'),
    };
  }
  const ms = timeOf(a.conditionClearedAt);
  return {
    holds: false,
    text: Number.isFinite(ms) ? tAlerts('clearedAt', { time: clockTime(ms) }) : tAlerts('cleared'),
  };
}

/**
 * "Called again 10:05": the alert was re-raised (contract §3.1), a new SOS press, a new fall or a
 * worsening on the same alert, so it is a new call for help. Undefined when it never was, or once
 * resolved.
 */
export function calledAgain(a: Pick<Alert, 'state' | 'reraisedAt'>): string | undefined {
  if (a.state === 'resolved' || a.reraisedAt === undefined) return undefined;
  const ms = Date.parse(a.reraisedAt);
  return Number.isFinite(ms) ? tAlerts('calledAgainAt', { time: clockTime(ms) }) : tAlerts('calledAgain');
}

/** Room, zone and (only under the resident's location consent) GPS, as one line. */
export function placeText(
  alert: Pick<Alert, 'roomId' | 'zoneId' | 'location'>,
  resident: Pick<Resident, 'roomId' | 'zoneId'> | undefined,
): string {
  const parts: string[] = [];
  const room = alert.roomId ?? resident?.roomId;
  const zone = alert.zoneId ?? resident?.zoneId;
  if (room) parts.push(tCommon('room', { room }));
  if (zone) parts.push(zoneText(zone));
  const loc = alert.location;
  // Location is only present under the resident's location consent (contract §1.2, §4.3).
  if (loc && 'lat' in loc) {
    parts.push(
      tCommon('gps', {
        lat: loc.lat.toFixed(5),
        lon: loc.lon.toFixed(5),
        ...(loc.accuracyM && { accuracy: String(Math.round(loc.accuracyM)) }),
      }),
    );
  }
  return parts.join(' · ');
}
