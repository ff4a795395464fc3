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
import { activeHighCount, now, resetStore } from '../store.ts';
import { resetTasks } from '../tasks.ts';
import { isManagerRole } from '../tasks-format.ts';
import { loadTeam, resetTeam, scheduleTeamRefresh } from '../team.ts';
import { AlertBoard } from './AlertBoard.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { Header } from './Header.tsx';
import { MyTasks } from './MyTasks.tsx';
import { SlaPanel } from './SlaPanel.tsx';
import { SoundBanner } from './SoundBanner.tsx';
import { TeamPanel } from './TeamPanel.tsx';
import { WardGrid } from '../ward/WardGrid.tsx';

const TICK_MS = 5_000;
/** Duty changes raise no event: the team panel also refreshes on this period. */
const TEAM_REFRESH_MS = 60_000;
const RESPONDERS = ['caregiver', 'medical', 'manager'] as const;

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
      document.title = n > 0 ? `(${n}) HIGH alert${n > 1 ? 's' : ''} — Vigil` : 'Vigil — alert board';
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
      resetSla();
      resetTeam();
      resetDuty();
      document.title = 'Vigil';
    };
  }, [session.user.id]);

  // The gateway lets responders (caregiver, medical, manager) acknowledge and resolve; admins provision
  // and watch. The server still decides: a refused action is shown on the card.
  const responder = (RESPONDERS as readonly string[]).includes(session.user.role);

  return (
    <div class="app">
      <Header user={session.user} />
      <ConnectionBanner />
      {staff && <SoundBanner />}
      {session.user.role === 'resident' ? (
        <main class="layout layout--single">
          <p class="empty">This board is for care staff. Your own data and consent settings are not shown here.</p>
        </main>
      ) : (
        // The ward grid fills what the alert column leaves (a full-width row under the manager's panels):
        // many tiles per row (ward/WardGrid.tsx, ward/ward.css).
        <main class={`layout${manager ? '' : ' layout--ward'}`}>
          <div class="layout__col">
            <MyTasks />
            <AlertBoard canAck={responder} canResolve={responder} />
          </div>
          {manager && (
            <div class="layout__col">
              <SlaPanel />
              <TeamPanel />
            </div>
          )}
          <div class="layout__ward">
            <WardGrid />
          </div>
        </main>
      )}
    </div>
  );
}
