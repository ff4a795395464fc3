import { alarmClock, mutedUntil, muteAlarm, sounding, unmuteAlarm } from '../alarm/controller.ts';
import { formatCountdown, MUTE_MS, muteRemainingMs } from '../alarm/mute.ts';
import { notifyPermission, requestNotifications } from '../alarm/notifications.ts';
import { tAlerts } from '../i18n/alerts.ts';

/**
 * The header's alarm controls: a mute that always expires (2 min, counting down) and the button that
 * asks for notification permission (a browser only asks from a click).
 */
export function AlarmControls() {
  const left = muteRemainingMs(mutedUntil.value, alarmClock.value);
  const minutes = MUTE_MS / 60_000;
  return (
    <div class="alarm-controls">
      {left > 0 ? (
        <button
          type="button"
          class="btn btn--small alarm-mute alarm-mute--on"
          data-testid="alarm-mute"
          data-muted="true"
          onClick={unmuteAlarm}
          aria-label={tAlerts('soundPausedLabel', { left: formatCountdown(left) })}
        >
          {tAlerts('soundPaused')} <span data-testid="alarm-mute-countdown">{formatCountdown(left)}</span>
        </button>
      ) : (
        <button
          type="button"
          class={`btn btn--small alarm-mute${sounding.value ? ' alarm-mute--sounding' : ''}`}
          data-testid="alarm-mute"
          data-muted="false"
          onClick={muteAlarm}
        >
          {tAlerts('mute', { minutes })}
        </button>
      )}
      {notifyPermission.value === 'default' && (
        <button type="button" class="btn btn--small btn--ghost" onClick={() => void requestNotifications()}>
          {tAlerts('turnOnNotifications')}
        </button>
      )}
    </div>
  );
}
