import { DEFAULT_POLICY, type FacilityPolicy, FacilityPolicyBody, type FacilityPolicyPatch } from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import type { PolicyStore } from '@vigil/stores';
import { VersionedSettings } from '../settings/versioned-settings.ts';

/** Escalation must hand a task on before its accept limit is long past, and steps must not repeat. */
function policyProblems(p: FacilityPolicyBody): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  p.escalation.forEach((step, i) => {
    if (p.escalation.findIndex((s) => s.target === step.target) !== i)
      out.push({ path: `escalation.${i}.target`, message: `${step.target} appears twice` });
  });
  for (const kind of ['onsite_check', 'remote_consult', 'facility_maintenance'] as const) {
    if (p.completeLimitMs[kind] < p.acceptLimitMs[kind])
      out.push({ path: `completeLimitMs.${kind}`, message: 'must not be shorter than the accept limit' });
  }
  return out;
}

/** The facility's dispatch and SLA policy (contract §4.1 `PUT /api/facilities/{id}/policy`). */
export class PolicyService {
  private readonly settings: VersionedSettings<FacilityPolicyBody>;
  private readonly store: PolicyStore;

  constructor(deps: { store: PolicyStore; clock: Clock; cacheMs?: number }) {
    this.store = deps.store;
    this.settings = new VersionedSettings({
      name: 'policy',
      store: deps.store,
      clock: deps.clock,
      defaults: DEFAULT_POLICY,
      schema: FacilityPolicyBody,
      problems: policyProblems,
      ...(deps.cacheMs !== undefined && { cacheMs: deps.cacheMs }),
    });
  }

  get(facilityId: string): Promise<FacilityPolicy> {
    return this.settings.get(facilityId);
  }

  update(facilityId: string, patch: FacilityPolicyPatch, by: string): Promise<FacilityPolicy> {
    return this.settings.update(facilityId, patch, by);
  }

  /**
   * Every version, newest first (issue 14). Version 1 is the defaults, never stored: it is listed as
   * `DEFAULT_POLICY` when the stored history does not hold it.
   */
  async history(facilityId: string): Promise<FacilityPolicy[]> {
    const stored = await this.store.history(facilityId);
    const versions = stored.some((v) => v.version === 1)
      ? stored
      : [{ facilityId, version: 1, ...structuredClone(DEFAULT_POLICY) }, ...stored];
    return versions.reverse();
  }
}
