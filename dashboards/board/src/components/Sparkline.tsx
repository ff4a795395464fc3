import type { Resident } from '@vigil/contracts';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { hrHistory, selectedResident } from '../store.ts';
import { tCommon } from '../i18n/common.ts';
import { vitalName } from '../i18n/labels.ts';
import { tResidents } from '../i18n/residents.ts';

const HEIGHT = 110;

function toData(residentId: string): uPlot.AlignedData {
  const pts = hrHistory.value.get(residentId) ?? [];
  return [pts.map((p) => p.ts / 1000), pts.map((p) => p.hr)];
}

/** Last hour of heart rate for the selected resident (uPlot: cheap to redraw on every live sample). */
export function Sparkline({ resident }: { resident: Resident }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = toData(resident.id);
  const count = data[0].length;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const p = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { y: { range: (_u, min, max) => [Math.min(40, min - 5), Math.max(130, max + 5)] } },
        axes: [
          // 24-hour clock, as in care records.
          { size: 28, font: '11px system-ui', values: '{HH}:{mm}' },
          { size: 36, font: '11px system-ui' },
        ],
        series: [{}, { label: 'HR', stroke: '#b91c1c', width: 2 }],
      },
      toData(resident.id),
      el,
    );
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
  }, [resident.id]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure class="spark">
      <figcaption>
        <span>
          {tResidents('trendCaption', { vital: vitalName('hr') })}
          <strong>{resident.name}</strong>
        </span>
        <button type="button" class="btn btn--ghost btn--small" onClick={() => (selectedResident.value = null)}>
          {tCommon('close')}
        </button>
      </figcaption>
      <div ref={host} class="spark__plot" role="img" aria-label={tResidents('trendLabel', { name: resident.name })} />
      {count < 2 && <p class="spark__empty">{tResidents('trendEmpty')}</p>}
    </figure>
  );
}
