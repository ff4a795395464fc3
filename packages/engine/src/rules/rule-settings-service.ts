import {
  DEFAULT_RULE_SETTINGS,
  type RuleSettings,
  RuleSettingsBody,
  type RuleSettingsPatch,
  ruleSettingsProblems,
} from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import type { RuleSettingsStore } from '@vigil/stores';
import { VersionedSettings } from '../settings/versioned-settings.ts';

/**
 * A facility's clinical rule settings (issue 3 "configurable, versioned rules"): the defaults until
 * someone changes them; every change is validated as a whole and bumps the version that alert
 * explanations name.
 */
export class RuleSettingsService {
  private readonly settings: VersionedSettings<RuleSettingsBody>;

  constructor(deps: { store: RuleSettingsStore; clock: Clock; cacheMs?: number }) {
    this.settings = new VersionedSettings({
      name: 'rule settings',
      store: deps.store,
      clock: deps.clock,
      defaults: DEFAULT_RULE_SETTINGS,
      schema: RuleSettingsBody,
      problems: ruleSettingsProblems,
      ...(deps.cacheMs !== undefined && { cacheMs: deps.cacheMs }),
    });
  }

  /** The settings in force; frozen, as they are shared between callers. */
  get(facilityId: string): Promise<RuleSettings> {
    return this.settings.get(facilityId);
  }

  /** Applies a partial change; rejects with `invalid_input` listing every problem. */
  update(facilityId: string, patch: RuleSettingsPatch, by: string): Promise<RuleSettings> {
    return this.settings.update(facilityId, patch, by);
  }
}
