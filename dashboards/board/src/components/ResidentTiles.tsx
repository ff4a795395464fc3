import { healthVisibleTo, type News2, type Resident, VITALS } from '@vigil/contracts';
import { session } from '../session.ts';
import { PRIORITY_LABEL, RISK_LABEL } from '../format.ts';
import { vitalsLiveError } from '../live.ts';
import { STALE_MS, severity } from '../ranges.ts';
import {
  alertsByResident,
  type LatestVitals,
  loading,
  now,
  type Reading,
  residents,
  residentsError,
  selectedResident,
  type VitalName,
  vitals,
} from '../store.ts';
import { Sparkline } from './Sparkline.tsx';

/** The wearable's vitals, one cell each (blood pressure, from a cuff, has a cell of its own). */
const TILE_VITALS = ['hr', 'spo2', 'rr', 'temp'] as const;
const CELLS = TILE_VITALS.map((key) => ({
  key,
  label: VITALS[key].label,
  unit: VITALS[key].unit,
  digits: VITALS[key].decimals,
}));

function byRoom(a: Resident, b: Resident): number {
  return a.roomId.localeCompare(b.roomId, undefined, { numeric: true }) || a.name.localeCompare(b.name);
}

function minutes(ms: number): number {
  return Math.max(1, Math.floor(ms / 60_000));
}

function VitalCell({
  name,
  label,
  unit,
  digits,
  r,
}: {
  name: VitalName;
  label: string;
  unit: string;
  digits: number;
  r?: Reading<number>;
}) {
  if (!r) {
    return (
      <div class="vital vital--none">
        <span class="vital__label">{label}</span>
        <span class="vital__value">—</span>
      </div>
    );
  }
  const sev = severity(name, r.v);
  const stale = now.value - r.ts > STALE_MS;
  return (
    <div
      class={`vital vital--sev${sev}${stale ? ' vital--stale' : ''}`}
      title={stale ? `Measured ${minutes(now.value - r.ts)} min ago` : undefined}
    >
      <span class="vital__label">
        {label} <span class="vital__unit">{unit}</span>
      </span>
      <span class="vital__value">
        {r.v.toFixed(digits)}
        {sev > 0 && <span class="visually-hidden"> (out of normal range)</span>}
        {sev > 0 && (
          <span class="vital__flag" aria-hidden="true">
            !
          </span>
        )}
      </span>
    </div>
  );
}

function BpCell({ v }: { v: LatestVitals | undefined }) {
  const s = v?.values.sbp;
  const d = v?.values.dbp;
  if (!s) {
    return (
      <div class="vital vital--bp vital--none">
        <span class="vital__label">BP</span>
        <span class="vital__value">—</span>
      </div>
    );
  }
  const sev = severity('sbp', s.v);
  // BP comes from a cuff a few times a day (clinical.md), so its age is shown rather than greyed.
  return (
    <div class={`vital vital--bp vital--sev${sev}`} title={`Measured ${minutes(now.value - s.ts)} min ago`}>
      <span class="vital__label">
        BP <span class="vital__unit">{VITALS.sbp.unit}</span>
      </span>
      <span class="vital__value">
        {Math.round(s.v)}/{d ? Math.round(d.v) : '—'}
        {sev > 0 && <span class="visually-hidden"> (out of normal range)</span>}
      </span>
    </div>
  );
}

/** NEWS2 at a glance (clinical.md chart 4): the score, its risk band, and whether parameters were missing. */
function News2Chip({ n }: { n: News2 | undefined }) {
  if (!n) return null;
  const missing = n.missing.length ? `Not scored (no fresh value): ${n.missing.join(', ')}` : 'All parameters fresh';
  return (
    <p class={`news2 news2--${n.risk}`} data-testid="news2" title={missing}>
      <span class="news2__score">NEWS2 {n.score}</span> · {RISK_LABEL[n.risk]}
      {n.partial && <span class="news2__partial"> · partial ({7 - n.missing.length}/7)</span>}
    </p>
  );
}

function freshness(v: LatestVitals | undefined): { text: string; stale: boolean } {
  const ts = Math.max(...TILE_VITALS.map((k) => v?.values[k]?.ts ?? Number.NEGATIVE_INFINITY));
  if (!Number.isFinite(ts)) return { text: 'No data yet', stale: true };
  const age = now.value - ts;
  if (age > STALE_MS) return { text: `No data for ${minutes(age)} min`, stale: true };
  return { text: age < 10_000 ? 'Updated just now' : `Updated ${Math.floor(age / 1000)} s ago`, stale: false };
}

function Tile({ r }: { r: Resident }) {
  const v = vitals.value.get(r.id);
  const open = alertsByResident.value.get(r.id) ?? [];
  const top = open[0];
  const f = freshness(v);
  const selected = selectedResident.value === r.id;
  const notWorn = v?.worn && v.worn.v === false;
  const user = session.value?.user;
  const shared = !user || healthVisibleTo(user, r);
  return (
    <li
      class={`tile${f.stale && shared ? ' tile--stale' : ''}${top ? ` tile--alert tile--alert-${top.priority}` : ''}${selected ? ' tile--selected' : ''}`}
      data-resident-id={r.id}
    >
      <div class="tile__head">
        <button
          type="button"
          class="tile__name"
          aria-pressed={selected}
          onClick={() => (selectedResident.value = selected ? null : r.id)}
        >
          {r.name}
        </button>
        <span class="tile__room">
          Room {r.roomId} · {r.zoneId}
        </span>
      </div>
      {top && (
        <p class={`badge badge--${top.priority}`} data-testid="resident-alert-badge">
          {PRIORITY_LABEL[top.priority]} alert{open.length > 1 ? ` +${open.length - 1}` : ''}: {top.title}
        </p>
      )}
      {shared ? (
        <>
          <div class="tile__vitals">
            {CELLS.map((c) => (
              <VitalCell
                key={c.key}
                name={c.key}
                label={c.label}
                unit={c.unit}
                digits={c.digits}
                r={v?.values[c.key]}
              />
            ))}
            <BpCell v={v} />
          </div>
          <News2Chip n={v?.news2} />
          <p class={`tile__fresh${f.stale ? ' tile__fresh--stale' : ''}`}>
            {f.text}
            {notWorn ? ' · device not worn' : ''}
          </p>
        </>
      ) : (
        <p class="tile__withheld" data-testid="vitals-withheld">
          Vitals not shared with your role, by the resident's choice. Alerts still reach you.
        </p>
      )}
    </li>
  );
}

export function ResidentTiles() {
  const list = [...residents.value.values()].sort(byRoom);
  const sel = selectedResident.value ? residents.value.get(selectedResident.value) : undefined;
  return (
    <section class="panel panel--residents" aria-labelledby="residents-heading">
      <div class="panel__head">
        <h2 id="residents-heading">Residents</h2>
        <span class="panel__count">{list.length || ''}</span>
      </div>
      {residentsError.value && (
        <p class="notice notice--error" role="alert">
          {residentsError.value}
        </p>
      )}
      {vitalsLiveError.value && <p class="notice notice--warn">{vitalsLiveError.value}</p>}
      {list.length === 0 && !residentsError.value && (
        <p class="empty">{loading.value ? 'Loading residents…' : 'No residents in your facilities.'}</p>
      )}
      {sel && <Sparkline resident={sel} />}
      <ul class="tiles">
        {list.map((r) => (
          <Tile key={r.id} r={r} />
        ))}
      </ul>
    </section>
  );
}
