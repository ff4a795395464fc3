import { effect } from '@preact/signals';
import type { LoginResponse } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { reloadAll } from '../data.ts';
import { startLive } from '../live.ts';
import { activeHighCount, now, resetStore } from '../store.ts';
import { AlertBoard } from './AlertBoard.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { Header } from './Header.tsx';
import { ResidentTiles } from './ResidentTiles.tsx';

const TICK_MS = 5_000;
const RESPONDERS = ['caregiver', 'medical', 'manager'] as const;

export function Board({ session }: { session: LoginResponse }) {
  useEffect(() => {
    // REST at once, so the board is not empty while the socket connects; the socket's first connect
    // reloads again so nothing between this snapshot and the live stream is lost.
    void reloadAll();
    const stop = startLive({ token: session.token, reload: () => void reloadAll() });
    const tick = setInterval(() => {
      now.value = Date.now();
    }, TICK_MS);
    // The tab title is what a caregiver sees from another tab or across the room.
    const stopTitle = effect(() => {
      const n = activeHighCount.value;
      document.title = n > 0 ? `(${n}) HIGH alert${n > 1 ? 's' : ''} — Vigil` : 'Vigil — alert board';
    });
    return () => {
      stop();
      clearInterval(tick);
      stopTitle();
      resetStore();
      document.title = 'Vigil';
    };
  }, [session.token]);

  // The gateway lets responders (caregiver, medical, manager) acknowledge and resolve; admins provision
  // and watch. The server still decides: a refused action is shown on the card.
  const responder = (RESPONDERS as readonly string[]).includes(session.user.role);

  return (
    <div class="app">
      <Header user={session.user} />
      <ConnectionBanner />
      {session.user.role === 'resident' ? (
        <main class="layout layout--single">
          <p class="empty">This board is for care staff. Your own data and consent settings are not shown here.</p>
        </main>
      ) : (
        <main class="layout">
          <AlertBoard canAck={responder} canResolve={responder} />
          <ResidentTiles />
        </main>
      )}
    </div>
  );
}
