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

/** Copies in and out, like a store that serialises (Redis): a caller can never alias stored state. */
export class MemoryRuleStateStore implements RuleStateStore {
  private readonly byKey = new Map<string, unknown>();
  async get<T>(key: string): Promise<T | undefined> {
    const v = this.byKey.get(key);
    return v === undefined ? undefined : (structuredClone(v) as T);
  }
  async put<T>(key: string, value: T) {
    this.byKey.set(key, structuredClone(value));
  }
}
