import { ROLE_LABEL } from '../format.ts';
import { loadText } from '../tasks-format.ts';
import { team, teamError, teamLoaded } from '../team.ts';
import { tPanels, tTasks } from '../i18n/tasks.ts';

/** Who is on duty and how loaded (`GET /api/users`), refreshed as tasks move. */
export function TeamPanel() {
  const list = team.value;
  const onDuty = list.filter((u) => u.onDuty).length;
  return (
    <section class="panel panel--team" aria-labelledby="team-heading">
      <div class="panel__head">
        <h2 id="team-heading">{tPanels('team')}</h2>
        <span class="panel__count">{list.length ? tPanels('teamCount', { on: onDuty, total: list.length }) : ''}</span>
      </div>
      {teamError.value && (
        <p class="notice notice--error" role="alert">
          {teamError.value}
        </p>
      )}
      {list.length === 0 && !teamError.value && (
        <p class="empty empty--small">{teamLoaded.value ? tPanels('noStaff') : tPanels('loadingTeam')}</p>
      )}
      {list.length > 0 && (
        <ul class="team-list" aria-label={tPanels('teamListLabel')}>
          {list.map((u) => (
            <li key={u.id} class={`member${u.onDuty ? ' member--on' : ''}`} data-user-id={u.id}>
              <span class="member__name">{u.name}</span>
              <span class={`duty-chip duty-chip--${u.onDuty ? 'on' : 'off'}`}>
                {u.onDuty ? tTasks('onDuty') : tTasks('offDuty')}
              </span>
              <span class="member__role">{ROLE_LABEL[u.role]}</span>
              <span class="member__load">{loadText(u.load)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
