import { useSignal, useSignalEffect } from '@preact/signals';
import { clockTime } from '../format.ts';
import { connection } from '../live.ts';
import { tCommon } from '../i18n/common.ts';

/**
 * A board that looks calm while its connection is down is the most dangerous board: say it loudly,
 * in red and in words, until the live stream is back.
 */
export function ConnectionBanner() {
  const lostSince = useSignal<number | null>(null);
  useSignalEffect(() => {
    if (connection.value === 'lost') lostSince.value ??= Date.now();
    else if (connection.value === 'live') lostSince.value = null;
  });

  const state = connection.value;
  if (state === 'live') return null;
  if (state === 'lost') {
    return (
      <div class="banner banner--lost" role="alert" data-testid="connection-lost">
        <strong>{tCommon('lostTitle')}</strong>
        <span>
          {lostSince.value ? tCommon('lostSince', { time: clockTime(lostSince.value) }) : tCommon('lostBody')}
        </span>
      </div>
    );
  }
  return (
    <div class="banner banner--pending" role="status">
      <strong>{state === 'syncing' ? tCommon('syncingBanner') : tCommon('connectingBanner')}</strong>
    </div>
  );
}
