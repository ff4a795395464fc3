import { effect } from '@preact/signals';
import type { LoginResponse } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { startAlarm } from '../alarm/controller.ts';
import { startNotifications } from '../alarm/notifications.ts';
import { reloadAll } from '../data.ts';
import { initDuty, resetDuty } from '../duty.ts';
import { startLive } from '../live.ts';
import { startTokenRefresh } from '../token-refresh.ts';
import { resetSla } from '../sla.ts';
import { resetAlertResolutions } from '../task-completion.ts';
import { activeHighCount, now, resetStore } from '../store.ts';
import { resetTasks } from '../tasks.ts';
import { isManagerRole } from '../tasks-format.ts';
import { loadTeam, resetTeam, scheduleTeamRefresh } from '../team.ts';
import { AlertBoard } from './AlertBoard.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { Header } from './Header.tsx';
import { MyTasks } from './MyTasks.tsx';
import { FacilityNote } from './FacilityNote.tsx';
import { SoundBanner } from './SoundBanner.tsx';
import { tCommon } from '../i18n/common.ts';
import { resetZones } from '../zones.ts';
import { ConsultView } from '../views/ConsultView.tsx';
import { ManagerView } from '../views/ManagerView.tsx';
import { ResidentView } from '../views/ResidentView.tsx';
import { WardGrid } from '../ward/WardGrid.tsx';

const TICK_MS = 5_000;
/** Duty changes raise no event: the team panel also refreshes on this period. */
const TEAM_REFRESH_MS = 60_000;
/** Maintenance staff respond to facility alerts, the only alerts they are sent (issue 14). */
const RESPONDERS = ['caregiver', 'medical', 'manager', 'maintenance'] as const;

export function Board({ session }: { session: LoginResponse }) {
  const manager = isManagerRole(session.user.role);
  const staff = session.user.role !== 'resident';
  useEffect(() => {
    initDuty(session.user);
    // REST at once, so the board is not empty while the socket connects; the socket's first connect
    // reloads again so nothing between this snapshot and the live stream is lost.
    void reloadAll();
    // Tokens live 15 min (contract §4.1): renewed before they expire, the socket moved to the new one.
    const stopRefresh = startTokenRefresh();
    const stop = startLive({
      token: session.token,
      reload: () => void reloadAll(),
      // A task moving changes someone's load on the manager's team panel.
      ...(manager && { onTask: scheduleTeamRefresh }),
    });
    const tick = setInterval(() => {
      now.value = Date.now();
    }, TICK_MS);
    const teamTick = manager ? setInterval(() => void loadTeam(), TEAM_REFRESH_MS) : undefined;
    // The tab title is what a caregiver sees from another tab or across the room.
    const stopTitle = effect(() => {
      const n = activeHighCount.value;
      document.title = n > 0 ? tCommon('titleHigh', { n }) : tCommon('titleBoard');
    });
    // The alarm sound and system notifications are for care staff only (a resident's board shows no alerts).
    const stopAlarm = staff ? startAlarm() : undefined;
    const stopNotifications = staff ? startNotifications() : undefined;
    return () => {
      stopAlarm?.();
      stopNotifications?.();
      stopRefresh();
      stop();
      clearInterval(tick);
      clearInterval(teamTick);
      stopTitle();
      resetStore();
      resetTasks();
      resetAlertResolutions();
      resetSla();
      resetTeam();
      resetDuty();
      resetZones();
      document.title = tCommon('appName');
    };
  }, [session.user.id]);

  // The gateway lets responders (caregiver, medical, manager; maintenance their facility alerts)
  // acknowledge and resolve; admins provision
  // and watch. The server still decides: a refused action is shown on the card.
  const responder = (RESPONDERS as readonly string[]).includes(session.user.role);

  return (
    <div class="app">
      <Header user={session.user} />
      <ConnectionBanner />
      {staff && <SoundBanner />}
      {manager ? (
        // Managers and admins (issue 14): now, response times, rules and limits.
        <ManagerView user={session.user} canRespond={responder} />
      ) : session.user.role === 'resident' ? (
        <ResidentView user={session.user} />
      ) : session.user.role === 'medical' ? (
        // The medical team's consult view (issue 14 item 3): queue, charts, health summary, notes.
        <ConsultView />
      ) : (
        // Caregivers, maintenance: the alert column, and beside it the ward grid filling the rest with
        // many tiles per row (ward/WardGrid.tsx, ward/ward.css); maintenance sees no residents.
        <main class="layout layout--ward">
          <div class="layout__col">
            <MyTasks />
            <AlertBoard canAck={responder} canResolve={responder} />
          </div>
          {session.user.role === 'maintenance' ? (
            <div class="layout__col">
              <FacilityNote />
            </div>
          ) : (
            <div class="layout__ward">
              <WardGrid />
            </div>
          )}
        </main>
      )}
    </div>
  );
}
