import { tt } from '../i18n/alert-task.ts';

/** A maintenance board's second column: what reaches it instead of resident tiles (issue 14). */
export function FacilityNote() {
  return (
    <section class="panel panel--facility" aria-label={tt('kind_facility_maintenance')}>
      <p class="empty" data-testid="facility-note">
        {tt('facilityOnly')}
      </p>
    </section>
  );
}
