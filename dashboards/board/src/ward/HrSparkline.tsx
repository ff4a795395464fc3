import { tWard } from '../i18n/ward.ts';
import type { HrPoint } from '../store.ts';

const WIDTH = 120;
const HEIGHT = 28;
const WINDOW_MS = 60 * 60_000;
/** A fixed scale, so a flat line at 60 and a flat line at 120 do not look the same. */
const HR_MIN = 40;
const HR_MAX = 140;

/** SVG points of the last hour of heart rate, right edge = now; exported for the unit test. */
export function sparkPoints(points: readonly HrPoint[], nowMs: number): string {
  const from = nowMs - WINDOW_MS;
  return points
    .filter((p) => p.ts >= from && p.ts <= nowMs)
    .map((p) => {
      const x = ((p.ts - from) / WINDOW_MS) * WIDTH;
      const clamped = Math.min(HR_MAX, Math.max(HR_MIN, p.hr));
      const y = HEIGHT - ((clamped - HR_MIN) / (HR_MAX - HR_MIN)) * HEIGHT;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * A plain SVG line per tile: dozens of tiles redraw on every sample, which a canvas chart per tile
 * would make costly. The shaded band is the normal resting range (51–90 bpm, NEWS2 scores 0).
 */
export function HrSparkline({ name, points, nowMs }: { name: string; points: readonly HrPoint[]; nowMs: number }) {
  const line = sparkPoints(points, nowMs);
  const enough = line.includes(' ');
  const band = (hr: number) => HEIGHT - ((hr - HR_MIN) / (HR_MAX - HR_MIN)) * HEIGHT;
  return (
    <svg
      class="ward-spark"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={enough ? tWard('hrTrend', { name }) : tWard('hrTrendEmpty')}
      data-testid="hr-sparkline"
    >
      <rect class="ward-spark__band" x="0" y={band(90)} width={WIDTH} height={band(51) - band(90)} />
      {enough && <polyline class="ward-spark__line" points={line} vector-effect="non-scaling-stroke" />}
    </svg>
  );
}
