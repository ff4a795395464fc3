import type { SessionUser } from '@vigil/contracts';
import { ROLE_LABEL } from '../format.ts';
import { type ConnectionState, connection } from '../live.ts';
import { logout } from '../session.ts';
import { isTaskRole } from '../tasks-format.ts';
import { AlarmControls } from './AlarmControls.tsx';
import { DutyToggle } from './DutyToggle.tsx';
import { tCommon } from '../i18n/common.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

const STATUS: Record<ConnectionState, { text: () => string; cls: string }> = {
  live: { text: () => tCommon('live'), cls: 'ok' },
  syncing: { text: () => tCommon('catchingUp'), cls: 'warn' },
  connecting: { text: () => tCommon('connecting'), cls: 'warn' },
  lost: { text: () => tCommon('offline'), cls: 'bad' },
};

export function Header({ user }: { user: SessionUser }) {
  const st = STATUS[connection.value];
  const text = st.text();
  return (
    <header class="topbar">
      <div class="topbar__brand">
        <span class="brand-mark" aria-hidden="true" />
        {tCommon('appName')}
      </div>
      <div class="topbar__right">
        <span class={`conn conn--${st.cls}`} role="status" aria-label={tCommon('connectionLabel', { state: text })}>
          <span class="conn__dot" aria-hidden="true" />
          {text}
        </span>
        {user.role !== 'resident' && <AlarmControls />}
        {isTaskRole(user.role) && <DutyToggle />}
        <span class="topbar__user">
          <span class="topbar__name">{user.name ?? user.id}</span>
          <span class="topbar__role">{ROLE_LABEL[user.role]}</span>
        </span>
        <LanguageSwitch />
        <button type="button" class="btn btn--ghost" onClick={() => logout()}>
          {tCommon('signOut')}
        </button>
      </div>
    </header>
  );
}
