import type { RuleSettings } from '@vigil/contracts';
import type { RuleSettingsStore, RuleStateStore } from '../types.ts';

export class MemoryRuleSettingsStore implements RuleSettingsStore {
  private readonly byFacility = new Map<string, RuleSettings>();
  async get(facilityId: string) {
    const s = this.byFacility.get(facilityId);
    return s && structuredClone(s);
  }
  async put(settings: RuleSettings) {
    this.byFacility.set(settings.facilityId, structuredClone(settings));
  }
}

/**
 * Kept as JSON text, as Redis keeps it: a caller can never alias stored state, and for these many
 * small objects JSON is several times faster than `structuredClone` (this runs once per batch).
 */
export class MemoryRuleStateStore implements RuleStateStore {
  private readonly byKey = new Map<string, string>();
  async get<T>(key: string): Promise<T | undefined> {
    const v = this.byKey.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async put<T>(key: string, value: T) {
    this.byKey.set(key, JSON.stringify(value));
  }
}
