import {
  DEFAULT_RULE_SETTINGS,
  type RuleSettings,
  RuleSettingsBody,
  type RuleSettingsPatch,
  ruleSettingsProblems,
  toIso,
} from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import type { RuleSettingsStore } from '@vigil/stores';
import { DomainError } from '../errors.ts';

/**
 * A facility's rule settings (issue 3 "configurable, versioned rules"): the defaults until someone
 * changes them; every change is validated as a whole and bumps the version that alert explanations
 * name.
 */
export class RuleSettingsService {
  /** Read on every batch: kept briefly, so a change made through another process applies within a second. */
  private readonly cache = new Map<string, { settings: RuleSettings; until: number }>();

  constructor(private readonly deps: { store: RuleSettingsStore; clock: Clock; cacheMs?: number }) {}

  /** The settings in force; frozen, as they are shared between callers. */
  async get(facilityId: string): Promise<RuleSettings> {
    const now = this.deps.clock.now();
    const hit = this.cache.get(facilityId);
    if (hit && now < hit.until) return hit.settings;
    const stored = await this.deps.store.get(facilityId);
    const settings = deepFreeze(stored ?? { facilityId, version: 1, ...structuredClone(DEFAULT_RULE_SETTINGS) });
    this.cache.set(facilityId, { settings, until: now + (this.deps.cacheMs ?? 1000) });
    return settings;
  }

  /** Applies a partial change; rejects with `invalid_input` listing every problem. */
  async update(facilityId: string, patch: RuleSettingsPatch, by: string): Promise<RuleSettings> {
    const current = await this.get(facilityId);
    const { facilityId: _f, version, updatedAt: _u, updatedBy: _b, ...body } = current;
    const merged = deepMerge(body, patch);
    const parsed = RuleSettingsBody.safeParse(merged);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new DomainError('invalid_input', `invalid rule settings: ${describe(details)}`, details);
    }
    // Nothing changed (an empty body, or the values in force): no new version to trace.
    if (JSON.stringify(parsed.data) === JSON.stringify(body)) return current;
    const problems = ruleSettingsProblems(parsed.data);
    if (problems.length > 0)
      throw new DomainError('invalid_input', `invalid rule settings: ${describe(problems)}`, problems);
    const next: RuleSettings = {
      ...parsed.data,
      facilityId,
      version: version + 1,
      updatedAt: toIso(this.deps.clock.now()),
      updatedBy: by,
    };
    await this.deps.store.put(next);
    this.cache.delete(facilityId);
    return next;
  }
}

const describe = (problems: { path: string; message: string }[]) =>
  problems.map((p) => `${p.path}: ${p.message}`).join('; ');

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function deepMerge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof patch !== 'object' || patch === null)
    return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out as T;
}
