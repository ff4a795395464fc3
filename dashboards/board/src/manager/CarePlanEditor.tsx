import type { CarePlan, Resident } from '@vigil/contracts';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, asList, describeError } from '../api.ts';
import { tm, vitalName } from '../i18n/manager.ts';
import { fieldErrors } from './policy-form.ts';

const VITALS = ['hr', 'spo2', 'rr', 'sbp', 'temp'] as const;
type Vital = (typeof VITALS)[number];
/** A resident as the list sends it: without the care plan where their consent does not cover managers. */
type Listed = Omit<Resident, 'carePlan'> & { carePlan?: CarePlan; healthWithheld?: true };

const textsOf = (plan: CarePlan | undefined): Record<string, string> =>
  Object.fromEntries(
    VITALS.flatMap((v) =>
      (['low', 'high'] as const).map((side) => {
        const n = plan?.thresholds?.[v]?.[side];
        return [`thresholds.${v}.${side}`, n === undefined ? '' : String(n)];
      }),
    ),
  );

/**
 * The new plan: the fields the form shows replace their values (empty: the facility setting), the
 * rest of the plan (critical limits, oxygen, waking hours) stays as it was.
 */
function planFrom(
  plan: CarePlan,
  texts: Record<string, string>,
): { plan: CarePlan } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const thresholds: NonNullable<CarePlan['thresholds']> = structuredClone(plan.thresholds ?? {});
  for (const v of VITALS) {
    const limits = { ...(thresholds[v] ?? {}) };
    for (const side of ['low', 'high'] as const) {
      const path = `thresholds.${v}.${side}`;
      const text = (texts[path] ?? '').trim();
      if (text === '') delete limits[side];
      else if (Number.isFinite(Number(text))) limits[side] = Number(text);
      else errors[path] = tm('enterNumber');
    }
    if (Object.keys(limits).length > 0) thresholds[v] = limits;
    else delete thresholds[v];
  }
  if (Object.keys(errors).length > 0) return { errors };
  const { thresholds: _old, ...rest } = plan;
  return { plan: Object.keys(thresholds).length > 0 ? { ...rest, thresholds } : rest };
}

/**
 * Per-resident alarm limits (`PUT /api/residents/{id}/care-plan`). Consent (contract §4.3): a
 * manager sees a care plan only under the resident's manager consent; the server would let a manager
 * replace a plan regardless, but replacing one you were not shown would silently drop its other
 * limits, so the editor is offered only for residents whose plan the manager can see.
 */
export function CarePlanEditor({ facilityId }: { facilityId: string }) {
  const [residents, setResidents] = useState<Listed[] | null>(null);
  const [selected, setSelected] = useState<string>('');
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  async function load() {
    try {
      const list = asList<Listed>(
        await api<unknown>('GET', `/api/residents?facilityId=${encodeURIComponent(facilityId)}`),
        'residents',
      );
      setResidents(list.sort((a, b) => a.name.localeCompare(b.name)));
    } catch (err) {
      setStatus({ kind: 'error', text: tm('loadFailed', { reason: describeError(err) }) });
    }
  }
  useEffect(() => void load(), [facilityId]);

  const resident = residents?.find((r) => r.id === selected);
  useEffect(() => {
    setTexts(textsOf(resident?.carePlan));
    setErrors({});
  }, [selected, resident?.carePlanVersion]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!resident?.carePlan) return;
    const built = planFrom(resident.carePlan, texts);
    if ('errors' in built) {
      setErrors(built.errors);
      setStatus({ kind: 'error', text: tm('notSaved') });
      return;
    }
    try {
      const saved = await api<Resident>('PUT', `/api/residents/${encodeURIComponent(resident.id)}/care-plan`, {
        body: built.plan,
      });
      setErrors({});
      setStatus({ kind: 'ok', text: tm('residentSaved', { version: saved.carePlanVersion ?? 1 }) });
      await load();
    } catch (err) {
      const fields = err instanceof ApiError ? fieldErrors(err.details) : {};
      setErrors(fields);
      setStatus({ kind: 'error', text: Object.keys(fields).length ? tm('notSaved') : describeError(err) });
    }
  }

  if (residents?.length === 0) return <p class="empty empty--small">{tm('noResidents')}</p>;
  return (
    <form class="care-plan-form" onSubmit={(e) => void submit(e)} noValidate>
      <label class="field">
        {tm('resident')}{' '}
        <select value={selected} onChange={(e) => setSelected((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{tm('chooseResident')}</option>
          {(residents ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {tm('residentInRoom', { resident: r.name, room: r.roomId })}
            </option>
          ))}
        </select>
      </label>
      {resident && !resident.carePlan && <p class="notice notice--warn">{tm('notShared')}</p>}
      {resident?.carePlan && (
        <>
          <table class="care-plan-table">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">{tm('alarmBelow')}</th>
                <th scope="col">{tm('alarmAbove')}</th>
              </tr>
            </thead>
            <tbody>
              {VITALS.map((v: Vital) => (
                <tr key={v}>
                  <th scope="row">{vitalName(v)}</th>
                  {(['low', 'high'] as const).map((side) => {
                    const path = `thresholds.${v}.${side}`;
                    const id = `care-plan-${v}-${side}`;
                    return (
                      <td key={side} class={errors[path] ? 'field--invalid' : undefined}>
                        <input
                          id={id}
                          type="text"
                          inputMode="decimal"
                          aria-label={`${vitalName(v)}, ${side === 'low' ? tm('alarmBelow') : tm('alarmAbove')}`}
                          placeholder={tm('facilitySetting')}
                          value={texts[path] ?? ''}
                          aria-invalid={errors[path] ? 'true' : undefined}
                          aria-describedby={errors[path] ? `${id}-error` : undefined}
                          onInput={(e) => setTexts({ ...texts, [path]: (e.currentTarget as HTMLInputElement).value })}
                        />
                        {errors[path] && (
                          <span id={`${id}-error`} class="field__error">
                            {errors[path]}
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit" class="btn btn--primary">
            {tm('saveResident')}
          </button>
        </>
      )}
      {status && (
        <p class={`form-status form-status--${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
    </form>
  );
}
