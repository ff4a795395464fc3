import { formatDateTime } from '../i18n/format.ts';
import { tm } from '../i18n/manager.ts';
import { staffNames } from '../team.ts';
import { versionChanges } from './policy-form.ts';
import { policyHistory } from './policy.ts';

/** Every version of the policy, newest first, each with what it changed and who changed it. */
export function PolicyHistory() {
  const versions = policyHistory.value;
  if (versions.length === 0) return null;
  return (
    <section class="policy-history" aria-labelledby="history-heading">
      <h3 id="history-heading">{tm('historyHeading')}</h3>
      <ol class="history-list">
        {versions.map((v, i) => {
          const older = versions[i + 1];
          const who = v.updatedBy ? (staffNames.value.get(v.updatedBy) ?? v.updatedBy) : '';
          return (
            <li key={v.version} data-version={v.version}>
              <strong>
                {v.updatedAt
                  ? tm('historyEntry', { version: v.version, when: formatDateTime(Date.parse(v.updatedAt)), who })
                  : tm('historyStandard', { version: v.version })}
              </strong>
              {i === 0 && <span class="history-list__current"> · {tm('inForce')}</span>}
              {older && (
                <ul>
                  {versionChanges(older, v).map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
