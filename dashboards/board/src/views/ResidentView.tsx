import type { SessionUser } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { tr } from '../i18n/resident.ts';
import { ConsentSwitches } from '../resident/ConsentSwitches.tsx';
import { OwnSummary } from '../resident/OwnSummary.tsx';
import { RecentAlarms } from '../resident/RecentAlarms.tsx';
import { loadOwnRecord, ownError, ownRecord, resetOwnRecord } from '../resident/resident-data.ts';
import '../resident/resident.css';

/**
 * Battery, worn and "last heard from" are not in the live `vitals` event: read again on this period
 * (and a failed load is tried again).
 */
const REFRESH_MS = 60_000;

/**
 * What a resident sees when they sign in (issue 14 item 5): their own latest readings, wristband and
 * recent alarms in plain words, and who may see their data. Loaded by `reloadAll` (data.ts) like the
 * staff board, and kept live by the same socket (vitals, alerts, consent).
 */
export function ResidentView({ user }: { user: SessionUser }) {
  useEffect(() => {
    const timer = setInterval(() => void loadOwnRecord(), REFRESH_MS);
    return () => {
      clearInterval(timer);
      resetOwnRecord();
    };
  }, []);

  const record = ownRecord.value;
  const error = ownError.value;
  if (error === 'unlinked') {
    return (
      <main class="layout layout--single resident-page">
        <p class="empty">{tr('noRecord')}</p>
      </main>
    );
  }
  return (
    <main class="layout layout--single resident-page" data-testid="resident-view">
      <h1 class="resident-page__title">{tr('greeting', { name: record?.name ?? user.name ?? '' })}</h1>
      {error === 'load' && (
        <p class="resident-card__error" role="alert">
          {tr('loadFailed')}
        </p>
      )}
      {user.residentId && <OwnSummary residentId={user.residentId} loaded={record !== null} />}
      <RecentAlarms />
      {record && <ConsentSwitches record={record} />}
    </main>
  );
}
