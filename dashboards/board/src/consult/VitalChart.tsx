import { VITALS, type VitalKey } from '@vigil/contracts';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../i18n/consult.ts';
import type { LimitLine, VitalChartData } from './chart-data.ts';

const HEIGHT = 130;
/** First limit amber, urgent limit red (the alert priorities' colours, IEC 60601-1-8). */
const LIMIT_COLOUR: Record<LimitLine['tier'], string> = { warn: '#b45309', critical: '#b91c1c' };
/**
 * The personal baseline's limit: violet short dashes, apart from the fixed limits' amber and red
 * dashes (a low-priority rule of its own, not a tier of the thresholds).
 */
const BASELINE_COLOUR = '#7c3aed';

export const vitalName = (vital: VitalKey): string => t(`vital_${vital}`);
export const vitalUnit = (vital: VitalKey): string => (vital === 'rr' ? t('unit_min') : VITALS[vital].unit);

function options(vital: VitalKey, data: VitalChartData, width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: data.yRange ? { range: () => data.yRange as [number, number] } : {} },
    axes: [
      // 24-hour clock, as in care records.
      { size: 28, font: '11px system-ui', values: '{HH}:{mm}' },
      { size: 44, font: '11px system-ui', label: vitalUnit(vital), labelSize: 14, labelFont: '11px system-ui' },
    ],
    series: [
      {},
      // No line across missing data: the nulls the shaping put into silences break it (spanGaps off).
      { label: vitalName(vital), stroke: '#1e3a8a', width: 2, spanGaps: false, points: { show: true, size: 4 } },
      ...data.limits.map((l) => ({
        label: `${l.value}`,
        stroke: LIMIT_COLOUR[l.tier],
        width: 1,
        dash: [6, 4],
        points: { show: false },
      })),
      ...(data.baseline === null
        ? []
        : [{ label: `${data.baseline}`, stroke: BASELINE_COLOUR, width: 1.5, dash: [2, 3], points: { show: false } }]),
    ],
  };
}

const aligned = (data: VitalChartData): uPlot.AlignedData => [
  data.x,
  data.values,
  ...data.limits.map((l) => data.x.map(() => l.value)),
  ...(data.baseline === null ? [] : [data.x.map(() => data.baseline)]),
];

/** One vital over the chosen window, with the resident's limits as dashed lines (uPlot). */
export function VitalChart({ vital, data, hours }: { vital: VitalKey; data: VitalChartData; hours: number }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const plot = new uPlot(options(vital, data, Math.max(240, el.clientWidth)), aligned(data), el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [vital, data]);

  const name = vitalName(vital);
  return (
    <figure
      class="vchart"
      data-testid="vital-chart"
      data-vital={vital}
      data-readings={data.readings}
      data-gaps={data.gaps}
      data-limits={data.limits.map((l) => l.value).join(' ')}
      data-baseline={data.baseline ?? ''}
    >
      <figcaption class="vchart__head">
        <span class="vchart__name">{name}</span>
        <span class="vchart__count">
          {data.readings > 0 ? t('readings', { n: data.readings, gaps: data.gaps }) : t('noReadings')}
        </span>
      </figcaption>
      <div ref={host} class="vchart__plot" role="img" aria-label={t('chartLabel', { vital: name, hours })} />
    </figure>
  );
}
