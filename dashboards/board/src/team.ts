import { computed, signal } from '@preact/signals';
import type { PublicUser, Role } from '@vigil/contracts';
import { api, asList, describeError } from './api.ts';
import { openLoad } from './tasks-format.ts';
import { tCommon } from './i18n/common.ts';

/** A member of staff as the manager's team panel shows them (`GET /api/users`, with `load` when sent). */
export interface TeamMember {
  id: string;
  name: string;
  role: Role;
  onDuty: boolean;
  /** Tasks assigned, accepted or in progress; undefined until the gateway reports it. */
  load: number | undefined;
}

export const team = signal<readonly TeamMember[]>([]);
export const teamError = signal<string | null>(null);
export const teamLoaded = signal(false);

/** Staff names by id, for SLA warnings that name a person. */
export const staffNames = computed(() => new Map(team.value.map((u) => [u.id, u.name])));

const STAFF: readonly Role[] = ['caregiver', 'medical', 'maintenance', 'manager'];
const ROLE_ORDER: Record<string, number> = { caregiver: 0, medical: 1, maintenance: 2, manager: 3 };

/** On duty first, then by role, then by name. */
export function compareMembers(a: TeamMember, b: TeamMember): number {
  return (
    Number(b.onDuty) - Number(a.onDuty) ||
    (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) ||
    a.name.localeCompare(b.name)
  );
}

export function toMembers(list: readonly (PublicUser & { load?: unknown })[]): TeamMember[] {
  return list
    .filter((u) => STAFF.includes(u.role))
    .map((u) => ({ id: u.id, name: u.name || u.id, role: u.role, onDuty: u.onDuty === true, load: openLoad(u.load) }))
    .sort(compareMembers);
}

let inFlight: Promise<void> | null = null;
let again = false;

/** Loads the team; a call during a load queues one more, so the list ends up at least as new as the call. */
export function loadTeam(): Promise<void> {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = (async () => {
    try {
      do {
        again = false;
        try {
          team.value = toMembers(asList<PublicUser>(await api<unknown>('GET', '/api/users'), 'users'));
          teamError.value = null;
        } catch (err) {
          teamError.value = tCommon('couldNotLoadTeam', { reason: describeError(err) });
        }
      } while (again);
    } finally {
      teamLoaded.value = true;
      inFlight = null;
    }
  })();
  return inFlight;
}

/** Task events change people's load; a burst (one alert, several tasks) costs one request. */
export const TEAM_REFRESH_DEBOUNCE_MS = 1_500;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

export function scheduleTeamRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void loadTeam(), TEAM_REFRESH_DEBOUNCE_MS);
}

export function resetTeam(): void {
  clearTimeout(refreshTimer);
  team.value = [];
  teamError.value = null;
  teamLoaded.value = false;
}
