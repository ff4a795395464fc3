import { toIso } from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import type { z } from 'zod';
import { DomainError } from '../errors.ts';

/** What every versioned, per-facility settings object carries besides its body. */
export interface Versioned {
  facilityId: string;
  version: number;
  updatedAt?: string | undefined;
  updatedBy?: string | undefined;
}

export interface VersionedSettingsOptions<B extends object> {
  /** What the settings are called in error messages ("rule settings", "policy"). */
  name: string;
  store: { get(facilityId: string): Promise<(B & Versioned) | undefined>; put(v: B & Versioned): Promise<void> };
  clock: Clock;
  defaults: B;
  schema: z.ZodType<B>;
  /** Cross-field checks the schema cannot express. */
  problems?: (body: B) => { path: string; message: string }[];
  /** How long a read is reused: a change made through another process applies within this time. */
  cacheMs?: number;
}

/**
 * Per-facility settings with defaults, partial updates validated as a whole, and a version bumped on
 * every change (facility rule settings, dispatch policy). Reads are cached briefly and frozen, as they
 * are shared between callers and read on hot paths.
 */
export class VersionedSettings<B extends object> {
  private readonly cache = new Map<string, { value: B & Versioned; until: number }>();

  constructor(private readonly o: VersionedSettingsOptions<B>) {}

  /** The settings in force; frozen. */
  async get(facilityId: string): Promise<B & Versioned> {
    const now = this.o.clock.now();
    const hit = this.cache.get(facilityId);
    if (hit && now < hit.until) return hit.value;
    const stored = await this.o.store.get(facilityId);
    const defaults = { facilityId, version: 1, ...structuredClone(this.o.defaults) } as B & Versioned;
    // Settings stored by an earlier version lack fields added since: those take their defaults.
    const value = deepFreeze(stored ? deepMerge(defaults, stored) : defaults);
    this.cache.set(facilityId, { value, until: now + (this.o.cacheMs ?? 1000) });
    return value;
  }

  /** Applies a partial change; rejects with `invalid_input` listing every problem. */
  async update(facilityId: string, patch: object, by: string): Promise<B & Versioned> {
    const current = await this.get(facilityId);
    const { facilityId: _f, version, updatedAt: _u, updatedBy: _b, ...body } = current;
    const parsed = this.o.schema.safeParse(deepMerge(body, patch));
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new DomainError('invalid_input', `invalid ${this.o.name}: ${describe(details)}`, details);
    }
    // Nothing changed (an empty body, or the values in force): no new version to trace.
    if (JSON.stringify(parsed.data) === JSON.stringify(body)) return current;
    const problems = this.o.problems?.(parsed.data) ?? [];
    if (problems.length > 0)
      throw new DomainError('invalid_input', `invalid ${this.o.name}: ${describe(problems)}`, problems);
    const next = {
      ...parsed.data,
      facilityId,
      version: version + 1,
      updatedAt: toIso(this.o.clock.now()),
      updatedBy: by,
    };
    await this.o.store.put(next);
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

/** Objects merge key by key; anything else (numbers, arrays) is replaced whole. */
function deepMerge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof patch !== 'object' ||
    patch === null ||
    Array.isArray(patch)
  )
    return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out as T;
}
