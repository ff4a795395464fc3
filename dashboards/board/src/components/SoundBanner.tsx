import { audioState, unlockAudio } from '../alarm/audio.ts';

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
        This browser cannot play the alarm sound. Keep this board visible.
      </p>
    );
  }
  return (
    <button type="button" class="banner banner--sound banner--button" data-testid="sound-banner" onClick={unlockAudio}>
      <strong>Alarm sound is off.</strong> Click here to enable alarm sound.
    </button>
  );
}
