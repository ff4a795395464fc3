import { computed, signal } from '@preact/signals';
import { healthVisibleTo } from '@vigil/contracts';
import { useEffect, useRef } from 'preact/hooks';
import { locale } from '../i18n/locale.ts';
import { tWard } from '../i18n/ward.ts';
import { vitalsLiveError } from '../live.ts';
import { session } from '../session.ts';
import {
  alertsByResident,
  hrHistory,
  loading,
  now,
  residents,
  residentsError,
  selectedResident,
  vitals,
} from '../store.ts';
import { toEntry } from './entries.ts';
import {
  inState,
  inZone,
  loadFilter,
  saveFilter,
  stateCounts,
  WARD_STATES,
  type WardFilter,
  type WardState,
  zoneCounts,
} from './filter.ts';
import { matchesSearch } from './search.ts';
import { type SettledOrder, settleOrder } from './urgency.ts';
import { WardTile } from './WardTile.tsx';
import { loadZoneNames, zoneName } from './zones.ts';
import './ward.css';

const filter = signal<WardFilter>(loadFilter());
const query = signal('');

function setFilter(next: WardFilter): void {
  filter.value = next;
  saveFilter(next);
}

/** Every resident in this user's care, as the grid ranks and filters them. */
const entries = computed(() => {
  const user = session.value?.user;
  const nowMs = now.value;
  return [...residents.value.values()].map((r) =>
    toEntry(r, vitals.value.get(r.id), alertsByResident.value.get(r.id) ?? [], nowMs, user),
  );
});

function Filters({ counts, zones }: { counts: Record<WardState, number>; zones: Map<string, number> }) {
  const f = filter.value;
  const zoneIds = [...zones.keys()].filter((z) => z !== 'all').sort((a, b) => zoneName(a).localeCompare(zoneName(b)));
  return (
    <div class="ward__filters">
      <label class="ward__search">
        <span class="visually-hidden">{tWard('searchLabel')}</span>
        <input
          type="search"
          data-testid="ward-search"
          placeholder={tWard('searchPlaceholder')}
          aria-label={tWard('searchLabel')}
          value={query.value}
          onInput={(e) => (query.value = (e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      {zoneIds.length > 1 && (
        <label class="ward__zone">
          <span>{tWard('zoneLabel')}</span>
          <select
            data-testid="ward-zone"
            value={f.zone}
            onChange={(e) => setFilter({ ...f, zone: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="all">{tWard('withCount', { label: tWard('zoneAll'), n: zones.get('all') ?? 0 })}</option>
            {zoneIds.map((z) => (
              <option key={z} value={z}>
                {tWard('withCount', { label: zoneName(z), n: zones.get(z) ?? 0 })}
              </option>
            ))}
          </select>
        </label>
      )}
      <fieldset class="ward__states" data-testid="ward-states">
        <legend class="visually-hidden">{tWard('stateLabel')}</legend>
        {WARD_STATES.map((s) => (
          <button
            key={s}
            type="button"
            class={`ward-chip${f.state === s ? ' ward-chip--on' : ''}`}
            aria-pressed={f.state === s}
            data-state={s}
            onClick={() => setFilter({ ...f, state: s })}
          >
            {tWard('withCount', { label: tWard(`state_${s}`), n: counts[s] })}
          </button>
        ))}
      </fieldset>
    </div>
  );
}

/**
 * The ward at a glance: every resident in this user's care as a dense grid of tiles, most urgent
 * first, searchable by name or room and filtered by area and state (the filter is remembered on this
 * device). The order settles (ward/urgency.ts) so tiles do not move under a carer's finger.
 */
export function WardGrid() {
  const order = useRef<SettledOrder | undefined>(undefined);
  const wasLoading = useRef(false);
  const user = session.value?.user;
  const facilityIds = user?.facilityIds.join(',') ?? '';
  useEffect(() => {
    if (user) void loadZoneNames(user.facilityIds);
  }, [facilityIds]);

  const all = entries.value;
  const collator = new Intl.Collator(locale.value, { numeric: true });
  // A REST snapshot (first load, reconnection) is a new picture of the ward: order it as it is, rather
  // than keep an order decided before the vitals arrived.
  const snapshot = loading.value || wasLoading.current;
  wasLoading.current = loading.value;
  order.current = settleOrder(snapshot ? undefined : order.current, all, Date.now(), collator);
  const byId = new Map(all.map((e) => [e.id, e]));
  const zones = zoneCounts(all);
  // A remembered zone that is not (or no longer) in this user's care would hide everyone.
  const f = filter.value;
  const zone = zones.has(f.zone) ? f.zone : 'all';
  const counts = stateCounts(all, zone);
  const shown = order.current.ids
    .map((id) => byId.get(id))
    .filter((e) => e !== undefined)
    .filter((e) => inZone(e, zone) && inState(e, f.state) && matchesSearch(e, query.value));
  const nowMs = now.value;

  return (
    <section class="panel panel--residents ward" aria-labelledby="residents-heading">
      <div class="panel__head">
        <h2 id="residents-heading">{tWard('heading')}</h2>
        <span class="panel__count" data-testid="ward-shown">
          {all.length ? tWard('shown', { shown: shown.length, total: all.length }) : ''}
        </span>
      </div>
      {residentsError.value && (
        <p class="notice notice--error" role="alert">
          {residentsError.value}
        </p>
      )}
      {vitalsLiveError.value && <p class="notice notice--warn">{vitalsLiveError.value}</p>}
      {all.length === 0 && !residentsError.value && (
        <p class="empty">{loading.value ? tWard('loading') : tWard('none')}</p>
      )}
      {all.length > 0 && <Filters counts={counts} zones={zones} />}
      {all.length > 0 && shown.length === 0 && (
        <p class="empty">
          {tWard('noMatch')}{' '}
          <button
            type="button"
            class="btn btn--ghost btn--small"
            onClick={() => {
              query.value = '';
              setFilter({ zone: 'all', state: 'all' });
            }}
          >
            {tWard('clearFilters')}
          </button>
        </p>
      )}
      <ul class="tiles ward__grid" data-testid="ward-grid">
        {shown.map((e) => {
          const r = residents.value.get(e.id);
          if (!r) return null;
          const selected = selectedResident.value === r.id;
          return (
            <WardTile
              key={r.id}
              resident={r}
              zone={zoneName(r.zoneId)}
              vitals={vitals.value.get(r.id)}
              hr={hrHistory.value.get(r.id) ?? []}
              open={alertsByResident.value.get(r.id) ?? []}
              shared={!user || healthVisibleTo(user, r)}
              selected={selected}
              nowMs={nowMs}
              onSelect={() => (selectedResident.value = selected ? null : r.id)}
            />
          );
        })}
      </ul>
    </section>
  );
}
