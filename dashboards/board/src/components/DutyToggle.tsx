import { dutyBusy, dutyError, onDuty, setDuty } from '../duty.ts';
import { tTasks } from '../i18n/tasks.ts';

/**
 * On/off duty for staff who take tasks (`PUT /api/users/{me}/duty`): tasks go only to people on duty.
 * The state is said in words next to the button; "unknown" until the platform has told us.
 */
export function DutyToggle() {
  const on = onDuty.value;
  const state = on === null ? 'unknown' : on ? 'on' : 'off';
  return (
    <div class="duty" data-testid="duty" data-duty={state}>
      <span class={`duty-chip duty-chip--${state}`} role="status">
        {on === null ? tTasks('dutyUnknown') : on ? tTasks('onDuty') : tTasks('offDuty')}
      </span>
      <button type="button" class="btn btn--ghost btn--small" disabled={dutyBusy.value} onClick={() => setDuty(!on)}>
        {on ? tTasks('goOffDuty') : tTasks('goOnDuty')}
      </button>
      {dutyError.value && (
        <span class="duty__error" role="alert">
          {dutyError.value}
        </span>
      )}
    </div>
  );
}
