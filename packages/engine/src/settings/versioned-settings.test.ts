import { DEFAULT_RULE_SETTINGS, type RuleSettings } from '@vigil/contracts';
import { ManualClock } from '@vigil/runtime';
import { createMemoryStores } from '@vigil/stores';
import { describe, expect, it } from 'vitest';
import { RuleSettingsService } from '../rules/rule-settings-service.ts';

describe('VersionedSettings', () => {
  it('gives settings stored by an earlier version the defaults of fields added since', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores(() => clock.now());
    const { criticalLimits: _c, persistence: _p, profiles: _f, ...older } = DEFAULT_RULE_SETTINGS;
    await stores.ruleSettings.put({
      ...older,
      vitals: { ...older.vitals, hr: { ...older.vitals.hr, high: 110 } },
      facilityId: 'f1',
      version: 4,
    } as unknown as RuleSettings);
    const got = await new RuleSettingsService({ store: stores.ruleSettings, clock }).get('f1');
    expect(got).toMatchObject({ version: 4, vitals: { hr: { high: 110 } } });
    expect(got.criticalLimits).toEqual(DEFAULT_RULE_SETTINGS.criticalLimits);
    expect(got.profiles).toEqual(DEFAULT_RULE_SETTINGS.profiles);
  });
});
