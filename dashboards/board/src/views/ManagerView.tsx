import '../manager/manager.css';
import { signal } from '@preact/signals';
import type { LoginResponse } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { tm } from '../i18n/manager.ts';
import { boardFacility, pickFacility } from '../manager/facility.ts';
import { NowTab } from '../manager/NowTab.tsx';
import { ResponseTimesTab } from '../manager/ResponseTimesTab.tsx';
import { RulesTab } from '../manager/RulesTab.tsx';

const TABS = ['now', 'times', 'rules'] as const;
type Tab = (typeof TABS)[number];
const LABEL = { now: 'tabNow', times: 'tabTimes', rules: 'tabRules' } as const;

export const managerTab = signal<Tab>('now');

/** Arrow keys move between tabs (WAI-ARIA tabs pattern), Home and End to the ends. */
function onTabKey(e: KeyboardEvent) {
  const i = TABS.indexOf(managerTab.value);
  const next =
    e.key === 'ArrowRight'
      ? (i + 1) % TABS.length
      : e.key === 'ArrowLeft'
        ? (i + TABS.length - 1) % TABS.length
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? TABS.length - 1
            : -1;
  if (next < 0) return;
  e.preventDefault();
  managerTab.value = TABS[next] as Tab;
  document.getElementById(`manager-tab-${managerTab.value}`)?.focus();
}

/** The manager board (issue 14): now, response times, rules and limits. */
export function ManagerView({
  user,
  canRespond,
}: {
  user: Pick<LoginResponse['user'], 'facilityIds'>;
  canRespond: boolean;
}) {
  useEffect(() => {
    void pickFacility(user.facilityIds);
  }, [user.facilityIds.join(',')]);
  const tab = managerTab.value;
  return (
    <main class="manager" aria-label={tm('view')}>
      <div class="tabs" role="tablist" aria-label={tm('view')} onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`manager-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`manager-panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            class={`tabs__tab${tab === t ? ' tabs__tab--on' : ''}`}
            onClick={() => {
              managerTab.value = t;
            }}
          >
            {tm(LABEL[t])}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`manager-panel-${tab}`} aria-labelledby={`manager-tab-${tab}`}>
        {tab === 'now' && <NowTab canRespond={canRespond} />}
        {tab === 'times' && boardFacility.value && <ResponseTimesTab />}
        {tab === 'rules' && boardFacility.value && <RulesTab />}
      </div>
    </main>
  );
}
