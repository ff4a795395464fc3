import type { SessionUser } from '@vigil/contracts';
import { ROLE_LABEL } from '../format.ts';
import { type ConnectionState, connection } from '../live.ts';
import { logout } from '../session.ts';
import { isTaskRole } from '../tasks-format.ts';
import { AlarmControls } from './AlarmControls.tsx';
import { DutyToggle } from './DutyToggle.tsx';

const STATUS: Record<ConnectionState, { text: string; cls: string }> = {
  live: { text: 'Live', cls: 'ok' },
  syncing: { text: 'Catching up…', cls: 'warn' },
  connecting: { text: 'Connecting…', cls: 'warn' },
  lost: { text: 'Offline', cls: 'bad' },
};

export function Header({ user }: { user: SessionUser }) {
  const st = STATUS[connection.value];
  return (
    <header class="topbar">
      <div class="topbar__brand">
        <span class="brand-mark" aria-hidden="true" />
        Vigil
      </div>
      <div class="topbar__right">
        <span class={`conn conn--${st.cls}`} role="status" aria-label={`Live connection: ${st.text}`}>
          <span class="conn__dot" aria-hidden="true" />
          {st.text}
        </span>
        {user.role !== 'resident' && <AlarmControls />}
        {isTaskRole(user.role) && <DutyToggle />}
        <span class="topbar__user">
          <span class="topbar__name">{user.name ?? user.id}</span>
          <span class="topbar__role">{ROLE_LABEL[user.role]}</span>
        </span>
        <button type="button" class="btn btn--ghost" onClick={() => logout()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
