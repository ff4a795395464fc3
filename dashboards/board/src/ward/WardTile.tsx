import type { Alert, News2, Resident } from '@vigil/contracts';
import { tWard } from '../i18n/ward.ts';
import { STALE_MS, severity } from '../ranges.ts';
import type { HrPoint, LatestVitals, Reading, VitalName } from '../store.ts';
import { HrSparkline } from './HrSparkline.tsx';
import { lastReadingAt, WEARABLE_VITALS } from './entries.ts';
import { alertTitle } from '../alert-text.ts';

type WearableVital = (typeof WEARABLE_VITALS)[number];
const DIGITS: Record<WearableVital, number> = { hr: 0, spo2: 0, rr: 0, temp: 1 };

const minutes = (ms: number): number => Math.max(1, Math.floor(ms / 60_000));

function VitalCell({ name, r, nowMs }: { name: WearableVital; r: Reading<number> | undefined; nowMs: number }) {
  const label = (
    <span class="vital__label">
      {tWard(`vital_${name}`)} <span class="vital__unit">{tWard(`unit_${name}`)}</span>
    </span>
  );
  if (!r) {
    return (
      <div class="vital vital--none">
        {label}
        <span class="vital__value">—</span>
      </div>
    );
  }
  const sev = severity(name as VitalName, r.v);
  const stale = nowMs - r.ts > STALE_MS;
  return (
    <div
      class={`vital vital--sev${sev}${stale ? ' vital--stale' : ''}`}
      title={stale ? tWard('measuredAgo', { min: minutes(nowMs - r.ts) }) : undefined}
    >
      {label}
      <span class="vital__value">
        {r.v.toFixed(DIGITS[name])}
        {sev > 0 && <span class="visually-hidden"> {tWard('outOfRange')}</span>}
        {sev > 0 && (
          <span class="vital__flag" aria-hidden="true">
            !
          </span>
        )}
      </span>
    </div>
  );
}

/** Blood pressure comes from a cuff a few times a day (clinical.md): its age is said, not greyed. */
function BpCell({ v, nowMs }: { v: LatestVitals | undefined; nowMs: number }) {
  const s = v?.values.sbp;
  const d = v?.values.dbp;
  const label = (
    <span class="vital__label">
      {tWard('bp')} <span class="vital__unit">{tWard('unit_bp')}</span>
    </span>
  );
  if (!s) {
    return (
      <div class="vital vital--bp vital--none">
        {label}
        <span class="vital__value">—</span>
      </div>
    );
  }
  const sev = severity('sbp', s.v);
  return (
    <div class={`vital vital--bp vital--sev${sev}`} title={tWard('measuredAgo', { min: minutes(nowMs - s.ts) })}>
      {label}
      <span class="vital__value">
        {Math.round(s.v)}/{d ? Math.round(d.v) : '—'}
        {sev > 0 && <span class="visually-hidden"> {tWard('outOfRange')}</span>}
      </span>
    </div>
  );
}

/** NEWS2 at a glance (clinical.md chart 4): the score, its risk band, and how much of it was measured. */
function News2Chip({ n }: { n: News2 | undefined }) {
  if (!n) return null;
  const missing = n.missing.map((p) => tWard(`param_${p}`)).join(', ');
  return (
    <p
      class={`news2 news2--${n.risk}`}
      data-testid="news2"
      title={n.missing.length ? tWard('news2Missing', { list: missing }) : tWard('news2AllFresh')}
    >
      <span class="news2__score">{tWard('news2', { score: n.score, risk: tWard(`risk_${n.risk}`) })}</span>
      {n.partial && <span class="news2__partial">{tWard('news2Measured', { n: 7 - n.missing.length })}</span>}
    </p>
  );
}

function freshness(v: LatestVitals | undefined, nowMs: number): { text: string; stale: boolean } {
  const last = lastReadingAt(v);
  if (last === undefined) return { text: tWard('noDataYet'), stale: true };
  const age = nowMs - last;
  if (age > STALE_MS) return { text: tWard('noDataFor', { min: minutes(age) }), stale: true };
  return { text: age < 10_000 ? tWard('justNow') : tWard('secondsAgo', { s: Math.floor(age / 1000) }), stale: false };
}

export interface WardTileProps {
  resident: Resident;
  zone: string;
  vitals: LatestVitals | undefined;
  hr: readonly HrPoint[];
  /** Open alerts, most urgent first. */
  open: readonly Alert[];
  shared: boolean;
  selected: boolean;
  nowMs: number;
  onSelect: () => void;
}

export function WardTile(p: WardTileProps) {
  const { resident: r, vitals: v, open, shared, nowMs } = p;
  const top = open[0];
  const f = freshness(v, nowMs);
  const notWorn = v?.worn?.v === false;
  const classes = [
    'tile',
    f.stale && shared && 'tile--stale',
    top && `tile--alert tile--alert-${top.priority}`,
    top?.state === 'active' && 'tile--alert-active',
    p.selected && 'tile--selected',
  ];
  return (
    <li
      class={classes.filter(Boolean).join(' ')}
      data-resident-id={r.id}
      data-room={r.roomId}
      data-zone={r.zoneId}
      data-alert={top?.priority ?? ''}
    >
      <div class="tile__head">
        <button type="button" class="tile__name" aria-pressed={p.selected} onClick={p.onSelect}>
          {r.name}
        </button>
        <span class="tile__room">{tWard('room', { room: r.roomId, zone: p.zone })}</span>
      </div>
      {top && (
        <p class={`badge badge--${top.priority}`} data-testid="resident-alert-badge">
          {tWard('alertBadge', {
            level: tWard(`alert_${top.priority}`),
            title: alertTitle(top),
            more: open.length - 1,
          })}
        </p>
      )}
      {shared ? (
        <>
          <div class="tile__vitals">
            {WEARABLE_VITALS.map((k) => (
              <VitalCell key={k} name={k} r={v?.values[k]} nowMs={nowMs} />
            ))}
            <BpCell v={v} nowMs={nowMs} />
          </div>
          <HrSparkline name={r.name} points={p.hr} nowMs={nowMs} />
          <News2Chip n={v?.news2} />
          <p class={`tile__fresh${f.stale ? ' tile__fresh--stale' : ''}`} data-testid="freshness">
            {f.text}
            {notWorn ? ` · ${tWard('notWorn')}` : ''}
          </p>
        </>
      ) : (
        <p class="tile__withheld" data-testid="vitals-withheld">
          {tWard('withheld')}
        </p>
      )}
    </li>
  );
}
