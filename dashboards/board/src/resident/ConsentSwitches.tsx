import type { Consent, Resident } from '@vigil/contracts';
import { useSignal } from '@preact/signals';
import { tr } from '../i18n/resident.ts';
import { setOwnConsent } from './resident-data.ts';

type Audience = keyof Consent;
/** The contract's four choices (§4.3), in the order a resident meets these people. */
const AUDIENCES: readonly Audience[] = ['caregiver', 'medical', 'manager', 'location'];
const TEXT = {
  caregiver: { label: 'caregiverLabel', on: 'caregiverOn', off: 'caregiverOff' },
  medical: { label: 'medicalLabel', on: 'medicalOn', off: 'medicalOff' },
  manager: { label: 'managerLabel', on: 'managerOn', off: 'managerOff' },
  location: { label: 'locationLabel', on: 'locationOn', off: 'locationOff' },
} as const;

/**
 * Who may see the resident's health data and location (contract §4.3), one switch each, with what the
 * current choice means in a sentence. A switch saves at once (`PUT /api/residents/{id}/consent`) and
 * staff boards change at once (the `consent` event).
 */
export function ConsentSwitches({ record }: { record: Resident }) {
  const saving = useSignal<Audience | null>(null);
  const failed = useSignal(false);

  const toggle = async (audience: Audience, value: boolean) => {
    saving.value = audience;
    failed.value = false;
    try {
      await setOwnConsent({ [audience]: value });
    } catch (err) {
      failed.value = true;
      console.warn('vigil: consent not saved', err);
    } finally {
      saving.value = null;
    }
  };

  return (
    <section class="panel resident-card" aria-labelledby="consent-heading">
      <h2 id="consent-heading">{tr('consentHeading')}</h2>
      <p class="resident-card__intro">{tr('consentIntro')}</p>
      <ul class="consent">
        {AUDIENCES.map((a) => {
          const on = record.consent[a];
          const text = TEXT[a];
          return (
            <li class={`consent__row${on ? ' consent__row--on' : ''}`} key={a} data-consent={a}>
              <label class="consent__switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={on}
                  aria-checked={on}
                  disabled={saving.value !== null}
                  aria-labelledby={`consent-${a}-label`}
                  aria-describedby={`consent-${a}-effect`}
                  onChange={(e) => void toggle(a, e.currentTarget.checked)}
                />
                <span class="consent__label" id={`consent-${a}-label`}>
                  {tr(text.label)}
                </span>
                <span class="consent__state">
                  {saving.value === a ? tr('saving') : on ? tr('shared') : tr('notShared')}
                </span>
              </label>
              <p class="consent__effect" id={`consent-${a}-effect`}>
                {tr(on ? text.on : text.off)}
              </p>
            </li>
          );
        })}
      </ul>
      {failed.value && (
        <p class="resident-card__error" role="alert">
          {tr('saveFailed')}
        </p>
      )}
      <p class="resident-card__note">{tr('emergencyNote')}</p>
    </section>
  );
}
