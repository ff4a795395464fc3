import { useEffect } from 'preact/hooks';
import { tm } from '../i18n/manager.ts';
import { CarePlanEditor } from './CarePlanEditor.tsx';
import { boardFacility } from './facility.ts';
import { loadPolicy, policy, policyError } from './policy.ts';
import { PolicyEditor } from './PolicyEditor.tsx';
import { PolicyHistory } from './PolicyHistory.tsx';

/** Rules and limits: the facility's response limits and escalation, their versions, per-resident limits. */
export function RulesTab() {
  const facility = boardFacility.value;
  useEffect(() => {
    if (facility) void loadPolicy(facility);
  }, [facility]);
  const current = policy.value;
  return (
    <div class="manager-rules">
      <section class="panel" aria-labelledby="limits-heading">
        <div class="panel__head">
          <h2 id="limits-heading">{tm('limitsHeading')}</h2>
        </div>
        {policyError.value && (
          <p class="notice notice--error" role="alert">
            {tm('loadFailed', { reason: policyError.value })}
          </p>
        )}
        {!current && !policyError.value && <p class="empty empty--small">{tm('loading')}</p>}
        {facility && current && <PolicyEditor facilityId={facility} current={current} />}
        <PolicyHistory />
      </section>
      <section class="panel" aria-labelledby="resident-limits-heading">
        <div class="panel__head">
          <h2 id="resident-limits-heading">{tm('residentHeading')}</h2>
        </div>
        {facility && <CarePlanEditor facilityId={facility} />}
      </section>
    </div>
  );
}
