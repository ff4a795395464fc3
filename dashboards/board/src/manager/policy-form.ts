import type { FacilityPolicy, FacilityPolicyPatch, Priority, TaskKind } from '@vigil/contracts';
import { priorityName, stepTargetName, taskKindName, tm } from '../i18n/manager.ts';
import { formatDuration, minutesToMs, msToMinutes } from './duration.ts';

const PRIORITIES: readonly Priority[] = ['high', 'medium', 'low'];
const TASK_KINDS: readonly TaskKind[] = ['onsite_check', 'remote_consult', 'facility_maintenance'];

/** One field of the policy form: where it lives in the policy (the server's error paths), how it reads. */
export interface PolicyField {
  path: string;
  unit: 'minutes' | 'count';
  group: string;
  label: string;
}

/** The form's fields for a policy (escalation steps as the policy has them), in the order shown. */
export function policyFields(p: Pick<FacilityPolicy, 'escalation'>): PolicyField[] {
  const perPriority = (prefix: string, group: string) =>
    PRIORITIES.map((pr) => ({ path: `${prefix}.${pr}`, unit: 'minutes' as const, group, label: priorityName(pr) }));
  const perKind = (prefix: string, group: string) =>
    TASK_KINDS.map((k) => ({ path: `${prefix}.${k}`, unit: 'minutes' as const, group, label: taskKindName(k) }));
  return [
    ...perPriority('ackLimitMs', tm('answerWithin')),
    ...perKind('acceptLimitMs', tm('takeWithin')),
    ...perKind('completeLimitMs', tm('finishWithin')),
    ...p.escalation.flatMap((step, i) =>
      perPriority(`escalation.${i}.afterMs`, `${tm('step', { n: i + 1 })}: ${stepTargetName(step.target)}`),
    ),
    { path: 'staffRepeatedOverdue.count', unit: 'count', group: tm('samePersonCount'), label: tm('timesUnit') },
    {
      path: 'staffRepeatedOverdue.windowMs',
      unit: 'minutes',
      group: tm('samePersonCount'),
      label: tm('samePersonWindow'),
    },
    { path: 'consultResponseStreak.count', unit: 'count', group: tm('slowReplyCount'), label: tm('timesUnit') },
    {
      path: 'consultResponseStreak.thresholdMs',
      unit: 'minutes',
      group: tm('slowReplyCount'),
      label: tm('slowReplyThreshold'),
    },
  ];
}

/** The value at a dotted path (`escalation.1.afterMs.high`). */
export function valueAt(o: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
}

/** The form's text for each field of a policy: minutes for times, whole numbers for counts. */
export function policyTexts(p: FacilityPolicy): Record<string, string> {
  return Object.fromEntries(
    policyFields(p).map((f) => {
      const v = Number(valueAt(p, f.path));
      return [f.path, f.unit === 'minutes' ? msToMinutes(v) : String(v)];
    }),
  );
}

/**
 * The `PUT` body from the form: every field (a partial body would do; the whole one says exactly
 * what the manager saw), or the fields that are not numbers.
 */
export function policyBody(
  p: FacilityPolicy,
  texts: Record<string, string>,
): { body: FacilityPolicyPatch } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const shown = policyTexts(p);
  const num = (path: string, unit: PolicyField['unit']): number => {
    const text = texts[path] ?? '';
    // A field left as shown keeps its exact value: 1 s shows as 0.017 min, which is not 1 s.
    if (text === shown[path]) return Number(valueAt(p, path));
    const n = unit === 'minutes' ? minutesToMs(text) : text.trim() === '' ? undefined : Number(text);
    if (n === undefined || !Number.isFinite(n)) {
      errors[path] = tm('enterNumber');
      return 0;
    }
    return n;
  };
  const perPriority = (prefix: string) =>
    Object.fromEntries(PRIORITIES.map((pr) => [pr, num(`${prefix}.${pr}`, 'minutes')])) as Record<Priority, number>;
  const perKind = (prefix: string) =>
    Object.fromEntries(TASK_KINDS.map((k) => [k, num(`${prefix}.${k}`, 'minutes')])) as Record<TaskKind, number>;
  const body: FacilityPolicyPatch = {
    ackLimitMs: perPriority('ackLimitMs'),
    acceptLimitMs: perKind('acceptLimitMs'),
    completeLimitMs: perKind('completeLimitMs'),
    escalation: p.escalation.map((s, i) => ({ target: s.target, afterMs: perPriority(`escalation.${i}.afterMs`) })),
    staffRepeatedOverdue: {
      count: num('staffRepeatedOverdue.count', 'count'),
      windowMs: num('staffRepeatedOverdue.windowMs', 'minutes'),
    },
    consultResponseStreak: {
      count: num('consultResponseStreak.count', 'count'),
      thresholdMs: num('consultResponseStreak.thresholdMs', 'minutes'),
    },
  };
  return Object.keys(errors).length > 0 ? { errors } : { body };
}

/**
 * The server's problems (`error.details`: `[{path, message}]`) by form field, in plain words.
 * Cross-field checks name the path in dots, schema checks as a JSON pointer (`/ackLimitMs/high`);
 * both become dots. The server's own wording is English and technical: known problems get ours.
 */
export function fieldErrors(details: unknown): Record<string, string> {
  if (!Array.isArray(details)) return {};
  const out: Record<string, string> = {};
  for (const d of details as { path?: unknown; message?: unknown }[]) {
    if (typeof d?.path !== 'string') continue;
    const path = d.path.replace(/^\//, '').replaceAll('/', '.');
    out[path] = plainProblem(typeof d.message === 'string' ? d.message : '');
  }
  return out;
}

function plainProblem(message: string): string {
  if (/accept limit/i.test(message)) return tm('shorterThanTake');
  if (/appears twice/i.test(message)) return tm('repeatedStep');
  if (/too small|>=|at least/i.test(message)) return tm('tooSmall');
  if (/too big|<=|at most/i.test(message)) return tm('tooLarge');
  return tm('notAllowed');
}

/** What changed from one version to the next, in the form's words (`Visit the resident: 15 min → 20 min`). */
export function versionChanges(older: FacilityPolicy, newer: FacilityPolicy): string[] {
  const out: string[] = [];
  if (
    older.escalation.length !== newer.escalation.length ||
    older.escalation.some((s, i) => s.target !== newer.escalation[i]?.target)
  )
    out.push(tm('stepsChanged'));
  for (const f of policyFields(newer)) {
    const before = valueAt(older, f.path);
    const after = valueAt(newer, f.path);
    if (typeof before !== 'number' || typeof after !== 'number' || before === after) continue;
    const show = (v: number) => (f.unit === 'minutes' ? formatDuration(v) : String(v));
    out.push(tm('changedFromTo', { field: `${f.group} — ${f.label}`, from: show(before), to: show(after) }));
  }
  return out;
}
