import {
  type Consciousness,
  Consciousness as ConsciousnessSchema,
  type News2,
  type News2Param,
  type News2Vital,
  news2Subscore,
  type RiskLevel,
  roundToChart,
  toIso,
} from '@vigil/contracts';

/**
 * NEWS2 (Royal College of Physicians 2017, chart 1), scored exactly as ../shared/spec/clinical.md.
 *
 * Values between the chart's bands are first rounded to the chart's precision: whole numbers for
 * respiration, SpO2, systolic BP and pulse, one decimal for temperature (half up: 36.05 → 36.1 → 0).
 * A parameter without a value scores nothing and is listed in `missing`; the score is then `partial`,
 * never silently treated as complete.
 */
export interface News2Input extends Partial<Record<News2Vital, number | undefined>> {
  consciousness?: Consciousness | undefined;
  /** Supplemental oxygen; unknown counts as missing ("air" is then neither scored nor assumed). */
  onOxygen?: boolean | undefined;
}

export type Spo2Scale = 1 | 2;

/** Chart 1 rows are declared once in `@vigil/contracts` (`NEWS2_CHART1`), rounding included. */
export const scoreRr = (rr: number) => news2Subscore('rr', rr);

/** Scale 1: everyone without a prescribed 88–92 % target. */
export const scoreSpo2Scale1 = (spo2: number) => news2Subscore('spo2', spo2);

/** Scale 2 (hypercapnic respiratory failure, care-plan setting): high SpO2 scores only on oxygen. */
export function scoreSpo2Scale2(spo2: number, onOxygen: boolean): number {
  const v = roundToChart('spo2', spo2);
  if (v <= 83) return 3;
  if (v <= 85) return 2;
  if (v <= 87) return 1;
  if (v <= 92 || !onOxygen) return 0;
  if (v <= 94) return 1;
  if (v <= 96) return 2;
  return 3;
}

export const scoreAir = (onOxygen: boolean) => (onOxygen ? 2 : 0);

/**
 * SpO2 on the resident's scale. On scale 2 a reading of 93 % or more scores 0 on air and 1–3 on
 * oxygen: with oxygen unknown it cannot be scored, and is left missing (the score says partial)
 * rather than silently scored as air.
 */
export function scoreSpo2(spo2: number, scale: Spo2Scale, onOxygen: boolean | undefined): number | undefined {
  if (scale === 1) return scoreSpo2Scale1(spo2);
  if (onOxygen === undefined && roundToChart('spo2', spo2) >= 93) return undefined;
  return scoreSpo2Scale2(spo2, onOxygen ?? false);
}

export const scoreSbp = (sbp: number) => news2Subscore('sbp', sbp);

export const scoreHr = (hr: number) => news2Subscore('hr', hr);

/** ACVPU: alert scores 0; new confusion, voice, pain or unresponsive score 3. */
export const scoreConsciousness = (c: Consciousness) => (c === 'A' ? 0 : 3);

export const scoreTemp = (temp: number) => news2Subscore('temp', temp);

/** Chart 4: the aggregate decides, except that a single red score lifts low to low–medium. */
export function news2Risk(score: number, anyThree: boolean): RiskLevel {
  if (score >= 7) return 'high';
  if (score >= 5) return 'medium';
  return anyThree ? 'low_medium' : 'low';
}

/** The score with sub-scores, risk and what was missing (contract §4.1 NEWS2 object). */
export function scoreNews2(input: News2Input, scale: Spo2Scale, atMs: number): News2 {
  const subscores: News2['subscores'] = {};
  const missing: News2Param[] = [];
  put(subscores, missing, 'rr', has(input.rr) ? scoreRr(input.rr) : undefined);
  put(subscores, missing, 'spo2', has(input.spo2) ? scoreSpo2(input.spo2, scale, input.onOxygen) : undefined);
  put(subscores, missing, 'air', input.onOxygen === undefined ? undefined : scoreAir(input.onOxygen));
  put(subscores, missing, 'sbp', has(input.sbp) ? scoreSbp(input.sbp) : undefined);
  put(subscores, missing, 'hr', has(input.hr) ? scoreHr(input.hr) : undefined);
  const c = input.consciousness;
  put(subscores, missing, 'consciousness', c === undefined ? undefined : scoreConsciousness(c));
  put(subscores, missing, 'temp', has(input.temp) ? scoreTemp(input.temp) : undefined);
  let score = 0;
  let anyThree = false;
  for (const v of Object.values(subscores)) {
    score += v;
    if (v === 3) anyThree = true;
  }
  return {
    score,
    risk: news2Risk(score, anyThree),
    partial: missing.length > 0,
    missing,
    subscores,
    at: toIso(atMs),
  };
}

// Module-level helpers, not closures: scoring runs for every sample.
function put(subscores: News2['subscores'], missing: News2Param[], param: News2Param, score: number | undefined) {
  if (score === undefined) missing.push(param);
  else subscores[param] = score;
}

function has(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

/** Nearly every sample has no consciousness reading: nothing to parse then. */
function acvpu(c: string | undefined): Consciousness | undefined {
  if (c === undefined) return undefined;
  const parsed = ConsciousnessSchema.safeParse(c);
  return parsed.success ? parsed.data : undefined;
}

/** A reading with its device timestamp (epoch ms), as the latest-vitals store keeps it. */
interface Timed<T> {
  v: T;
  ts: number;
  /** How long this reading counts, when its device profile says (else `NEWS2_FRESHNESS_MS`). */
  freshMs?: number;
}

/** The latest value of each parameter, each with its own timestamp. */
export interface LatestReadings {
  values: Partial<Record<News2Vital, Timed<number>>>;
  /** ACVPU letter as observed; anything else is ignored (missing). */
  consciousness?: Timed<string> | undefined;
  onOxygen?: Timed<boolean> | undefined;
}

/**
 * How long a value still counts towards the score. Wearables measure pulse, SpO2 and respiration
 * continuously, so a gap of minutes means the value is stale; temperature less often; blood pressure
 * comes from a cuff a few times a day and consciousness from a carer's observation.
 */
export const NEWS2_FRESHNESS_MS = {
  hr: 10 * 60_000,
  spo2: 10 * 60_000,
  rr: 10 * 60_000,
  temp: 60 * 60_000,
  sbp: 12 * 3_600_000,
  consciousness: 12 * 3_600_000,
} as const;

/** A device's `onOxygen` report holds this long unless repeated (clinical.md; settings `oxygen.deviceHoldMs`). */
export const DEVICE_OXYGEN_HOLD_MS = 15 * 60_000;

export interface News2Options {
  freshness?: Record<keyof typeof NEWS2_FRESHNESS_MS, number>;
  oxygenHoldMs?: number;
}

/**
 * NEWS2 from the latest readings: each parameter only while fresh (a stale one is missing, so the
 * score says partial). The SpO2 scale comes from the care plan alone (scale 2 is a clinician's
 * choice, never inferred). Oxygen: a device's report while it holds, else the care plan's
 * prescription, else unknown (missing).
 */
export function news2FromLatest(
  latest: LatestReadings,
  carePlan: { spo2Scale?: Spo2Scale | undefined; onOxygen?: boolean | undefined },
  nowMs: number,
  options: News2Options = {},
): News2 {
  const freshness = options.freshness ?? NEWS2_FRESHNESS_MS;
  const { values } = latest;
  return scoreNews2(
    {
      rr: fresh(values.rr, freshness.rr, nowMs),
      spo2: fresh(values.spo2, freshness.spo2, nowMs),
      sbp: fresh(values.sbp, freshness.sbp, nowMs),
      hr: fresh(values.hr, freshness.hr, nowMs),
      temp: fresh(values.temp, freshness.temp, nowMs),
      consciousness: acvpu(fresh(latest.consciousness, freshness.consciousness, nowMs)),
      onOxygen: fresh(latest.onOxygen, options.oxygenHoldMs ?? DEVICE_OXYGEN_HOLD_MS, nowMs) ?? carePlan.onOxygen,
    },
    carePlan.spo2Scale ?? 1,
    nowMs,
  );
}

/** A reading's value while it still counts at `nowMs`. */
function fresh<T>(r: Timed<T> | undefined, windowMs: number, nowMs: number): T | undefined {
  return r !== undefined && nowMs - r.ts <= (r.freshMs ?? windowMs) ? r.v : undefined;
}

const PARAM_NAMES: Record<News2Param, string> = {
  rr: 'respiration',
  spo2: 'SpO2',
  air: 'oxygen',
  sbp: 'systolic BP',
  hr: 'pulse',
  consciousness: 'consciousness',
  temp: 'temperature',
};

/** " (partial: respiration, oxygen missing)" for a partial score, in words; empty for a complete one. */
export const partialNote = (n: Pick<News2, 'partial' | 'missing'>): string =>
  n.partial ? ` (partial: ${n.missing.map((p) => PARAM_NAMES[p]).join(', ')} missing)` : '';

export interface News2Judgement {
  priority: 'high' | 'medium';
  title: string;
  condition: string;
}

/**
 * The `news2` alert of clinical.md chart 4: aggregate ≥ 7 → high (emergency assessment); 5–6 →
 * medium (urgent assessment); a single parameter scoring 3 → medium (urgent review, risk low–medium);
 * 1–4 → no alert (shown on the tile). A partial score can only under-count, so it raises too.
 */
export function judgeNews2(n: News2): News2Judgement | undefined {
  const partial = partialNote(n);
  if (n.score >= 7) {
    return {
      priority: 'high',
      title: `NEWS2 ${n.score}: emergency assessment`,
      condition: `NEWS2 aggregate ${n.score} ≥ 7: high clinical risk${partial}`,
    };
  }
  if (n.score >= 5) {
    return {
      priority: 'medium',
      title: `NEWS2 ${n.score}: urgent assessment`,
      condition: `NEWS2 aggregate ${n.score} in 5–6: medium clinical risk${partial}`,
    };
  }
  const red = (Object.entries(n.subscores) as [News2Param, number][]).filter(([, s]) => s === 3).map(([p]) => p);
  if (red.length > 0) {
    const names = red.map((p) => PARAM_NAMES[p]).join(', ');
    return {
      priority: 'medium',
      title: `NEWS2 red score: ${names}`,
      condition: `a single parameter scores 3 (${names}): low–medium clinical risk, urgent review${partial}`,
    };
  }
  return undefined;
}
