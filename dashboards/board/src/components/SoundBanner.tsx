import { audioState, unlockAudio } from '../alarm/audio.ts';
import { tAlerts } from '../i18n/alerts.ts';

/**
 * Browsers keep audio off until the page gets a click or a key press; after a reload there was none.
 * Say so where nobody can miss it, and let one click turn the alarm sound on.
 */
export function SoundBanner() {
  const st = audioState.value;
  if (st !== 'suspended' && st !== 'unsupported') return null;
  if (st === 'unsupported') {
    return (
      <p class="banner banner--sound" role="alert">
        {tAlerts('soundUnsupported')}
      </p>
    );
  }
  return (
    <button type="button" class="banner banner--sound banner--button" data-testid="sound-banner" onClick={unlockAudio}>
      <strong>{tAlerts('soundOff')}</strong> {tAlerts('soundOffAction')}
    </button>
  );
}
