import type { FacilityPolicy } from '@vigil/contracts';
import { useEffect, useState } from 'preact/hooks';
import { tm } from '../i18n/manager.ts';
import { type PolicyField, policyBody, policyFields, policyTexts } from './policy-form.ts';
import { savePolicy } from './policy.ts';

const fieldId = (path: string) => `policy-${path.replaceAll('.', '-')}`;

function Field({
  f,
  text,
  error,
  onInput,
}: {
  f: PolicyField;
  text: string;
  error: string | undefined;
  onInput: (v: string) => void;
}) {
  const id = fieldId(f.path);
  return (
    <div class={`field${error ? ' field--invalid' : ''}`} data-path={f.path}>
      <label for={id}>{f.label}</label>
      <span class="field__input">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          value={text}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
        />
        <span class="field__unit">{f.unit === 'minutes' ? tm('minutesUnit') : ''}</span>
      </span>
      {error && (
        <span id={`${id}-error`} class="field__error">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * The facility's limits and escalation (`PUT /api/facilities/{id}/policy`): validated by the server
 * as a whole; each problem it names is shown next to its field.
 */
export function PolicyEditor({ facilityId, current }: { facilityId: string; current: FacilityPolicy }) {
  const [texts, setTexts] = useState(() => policyTexts(current));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ kind: 'ok' | 'error' | 'busy'; text: string } | null>(null);
  // A new version (saved here or elsewhere) resets the form to what is in force.
  useEffect(() => setTexts(policyTexts(current)), [current.version]);

  const groups = new Map<string, PolicyField[]>();
  for (const f of policyFields(current)) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);

  async function submit(e: Event) {
    e.preventDefault();
    const built = policyBody(current, texts);
    if ('errors' in built) {
      setErrors(built.errors);
      setStatus({ kind: 'error', text: tm('notSaved') });
      return;
    }
    setStatus({ kind: 'busy', text: tm('saving') });
    const result = await savePolicy(facilityId, built.body);
    if (result.ok) {
      setErrors({});
      setStatus({
        kind: 'ok',
        text: result.changed ? tm('savedVersion', { version: result.version }) : tm('nothingChanged'),
      });
    } else {
      setErrors(result.fields);
      setStatus({ kind: 'error', text: result.message ?? tm('notSaved') });
    }
  }

  return (
    <form class="policy-form" onSubmit={(e) => void submit(e)} noValidate>
      {[...groups].map(([group, fields]) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          {fields.map((f) => (
            <Field
              key={f.path}
              f={f}
              text={texts[f.path] ?? ''}
              error={errors[f.path]}
              onInput={(v) => setTexts({ ...texts, [f.path]: v })}
            />
          ))}
        </fieldset>
      ))}
      <div class="policy-form__actions">
        <button type="submit" class="btn btn--primary" disabled={status?.kind === 'busy'}>
          {tm('saveLimits')}
        </button>
        {status && (
          <p class={`form-status form-status--${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'}>
            {status.text}
          </p>
        )}
      </div>
    </form>
  );
}
