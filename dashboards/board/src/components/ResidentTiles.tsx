import { healthVisibleTo, NEWS2_PARAMS, type News2, type News2Param, type Resident, VITALS } from '@vigil/contracts';
import { session } from '../session.ts';
import { alertTitle } from '../alert-text.ts';
import { duration, PRIORITY_LABEL, RISK_LABEL } from '../format.ts';
import { tCommon } from '../i18n/common.ts';
import { bpShort, vitalShort, vitalUnit } from '../i18n/labels.ts';
import { tResidents } from '../i18n/residents.ts';
import { tTasks } from '../i18n/tasks.ts';
import { zoneNames } from '../zones.ts';
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
  get label() {
    return vitalShort(key);
  },
  get unit() {
    return vitalUnit(key);
  },
  digits: VITALS[key].decimals,
}));

/** NEWS2 parameters by their short names, for the "not in the score" hint. */
const paramName = (p: News2Param): string =>
  p === 'air' ? tTasks('airOxygen') : p === 'consciousness' ? tTasks('consciousness') : vitalShort(p);

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
      title={stale ? tResidents('measuredAgo', { span: duration(minutes(now.value - r.ts) * 60_000) }) : undefined}
    >
      <span class="vital__label">
        {label} <span class="vital__unit">{unit}</span>
      </span>
      <span class="vital__value">
        {r.v.toFixed(digits)}
        {sev > 0 && <span class="visually-hidden">{tResidents('outOfRange')}</span>}
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
        <span class="vital__label">{bpShort()}</span>
        <span class="vital__value">—</span>
      </div>
    );
  }
  const sev = severity('sbp', s.v);
  // BP comes from a cuff a few times a day (clinical.md), so its age is shown rather than greyed.
  return (
    <div
      class={`vital vital--bp vital--sev${sev}`}
      title={tResidents('measuredAgo', { span: duration(minutes(now.value - s.ts) * 60_000) })}
    >
      <span class="vital__label">
        {bpShort()} <span class="vital__unit">{VITALS.sbp.unit}</span>
      </span>
      <span class="vital__value">
        {Math.round(s.v)}/{d ? Math.round(d.v) : '—'}
        {sev > 0 && <span class="visually-hidden">{tResidents('outOfRange')}</span>}
      </span>
    </div>
  );
}

/** NEWS2 at a glance (clinical.md chart 4): the score, its risk band, and whether parameters were missing. */
function News2Chip({ n }: { n: News2 | undefined }) {
  if (!n) return null;
  const names = NEWS2_PARAMS.filter((p) => n.missing.includes(p)).map(paramName);
  const missing = names.length
    ? tResidents('notMeasured', { list: names.join(tCommon('listSep')) })
    : tResidents('allMeasured');
  return (
    <p class={`news2 news2--${n.risk}`} data-testid="news2" title={missing}>
      <span class="news2__score">NEWS2 {n.score}</span> · {RISK_LABEL[n.risk]}
      {n.partial && (
        <span class="news2__partial">{tResidents('measuredOf', { measured: 7 - n.missing.length, total: 7 })}</span>
      )}
    </p>
  );
}

function freshness(v: LatestVitals | undefined): { text: string; stale: boolean } {
  const ts = Math.max(...TILE_VITALS.map((k) => v?.values[k]?.ts ?? Number.NEGATIVE_INFINITY));
  if (!Number.isFinite(ts)) return { text: tResidents('noDataYet'), stale: true };
  const age = now.value - ts;
  if (age > STALE_MS) return { text: tResidents('noDataFor', { span: duration(minutes(age) * 60_000) }), stale: true };
  return {
    text: age < 10_000 ? tResidents('updatedJustNow') : tResidents('updatedAgo', { span: duration(age) }),
    stale: false,
  };
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
          {tResidents('place', { room: r.roomId, zone: zoneNames.value.get(r.zoneId) ?? r.zoneId })}
        </span>
      </div>
      {top && (
        <p class={`badge badge--${top.priority}`} data-testid="resident-alert-badge">
          {tResidents('alertBadge', {
            priority: PRIORITY_LABEL[top.priority],
            more: open.length - 1,
            title: alertTitle(top),
          })}
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
            {notWorn ? tResidents('notWorn') : ''}
          </p>
        </>
      ) : (
        <p class="tile__withheld" data-testid="vitals-withheld">
          {tResidents('withheld')}
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
        <h2 id="residents-heading">{tResidents('heading')}</h2>
        <span class="panel__count">{list.length || ''}</span>
      </div>
      {residentsError.value && (
        <p class="notice notice--error" role="alert">
          {residentsError.value}
        </p>
      )}
      {vitalsLiveError.value && <p class="notice notice--warn">{vitalsLiveError.value}</p>}
      {list.length === 0 && !residentsError.value && (
        <p class="empty">{loading.value ? tResidents('loading') : tResidents('none')}</p>
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
