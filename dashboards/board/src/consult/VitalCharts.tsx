import { useSignal } from '@preact/signals';
import { type HealthReport, VITAL_KEYS } from '@vigil/contracts';
import { useEffect, useMemo } from 'preact/hooks';
import { t as tb } from '../i18n/baselines.ts';
import { t } from '../i18n/consult.ts';
import { activeBaselineLimit } from './baseline-text.ts';
import { CHART_RANGES, type ChartRange, vitalChartData } from './chart-data.ts';
import { type History, type Loaded, loadHistory } from './consult-data.ts';
import { VitalChart } from './VitalChart.tsx';

/**
 * Every vital of one resident over 1, 6 or 24 h from the history (one reading per vital per step), the
 * resident's limits from the health report drawn on each chart, and an active personal baseline's limit.
 */
export function VitalCharts({
  residentId,
  limits,
  baselines,
}: {
  residentId: string;
  limits: HealthReport['limits'];
  baselines: HealthReport['baselines'];
}) {
  const hours = useSignal<ChartRange>(1);
  const history = useSignal<Loaded<History>>({ state: 'loading' });
  const h = hours.value;

  useEffect(() => {
    let live = true;
    history.value = { state: 'loading' };
    void loadHistory(residentId, h).then((r) => {
      if (live) history.value = r;
    });
    return () => {
      live = false;
    };
  }, [residentId, h]);

  const loaded = history.value;
  // Shaped once per answer: a new object would redraw all six charts on every board tick.
  const charts = useMemo(
    () =>
      loaded.state === 'ok'
        ? VITAL_KEYS.map((k) => ({
            vital: k,
            data: vitalChartData(
              loaded.value.points,
              k,
              loaded.value,
              k === 'dbp' ? undefined : limits?.[k],
              activeBaselineLimit(baselines, k),
            ),
          }))
        : [],
    [loaded, limits, baselines],
  );
  const withBaseline = charts.some((c) => c.data.baseline !== null);
  return (
    <section class="cpanel consult-charts" aria-labelledby="consult-charts-title" data-testid="consult-charts">
      <div class="cpanel__head">
        <h3 id="consult-charts-title">{t('chartsTitle')}</h3>
        <fieldset class="cseg">
          <legend class="visually-hidden">{t('rangeLabel')}</legend>
          {CHART_RANGES.map((r) => (
            <button
              key={r}
              type="button"
              class={`cseg__btn${r === h ? ' cseg__btn--on' : ''}`}
              aria-pressed={r === h}
              data-hours={r}
              onClick={() => (hours.value = r)}
            >
              {t('range', { hours: r })}
            </button>
          ))}
        </fieldset>
      </div>
      {loaded.state === 'loading' && <p class="empty">{t('chartsLoading')}</p>}
      {loaded.state === 'withheld' && (
        <p class="empty" data-testid="charts-withheld">
          {t('chartsWithheld')}
        </p>
      )}
      {loaded.state === 'failed' && <p class="notice notice--error">{t('chartsFailed', { reason: loaded.reason })}</p>}
      {loaded.state === 'ok' && (
        <>
          <p class="consult__legend">{t('limitLegend')}</p>
          {withBaseline && <p class="consult__legend">{tb('chartLegend')}</p>}
          <div class="vcharts" data-hours={h}>
            {charts.map((c) => (
              <VitalChart key={`${c.vital}-${h}`} vital={c.vital} hours={h} data={c.data} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
