import { AIR_TEMP, type AlertKind, type Priority, type RuleSettingsBody, toIso } from '@vigil/contracts';
import type { Observation } from './observations.ts';
import { runSpec } from './persistence.ts';
import { formatDuration } from './thresholds.ts';

export interface SensorReading {
  ts: number;
  waterLeak?: boolean | undefined;
  smoke?: boolean | undefined;
  mainsPower?: boolean | undefined;
  airTemp?: number | undefined;
}

/**
 * Facility sensor telemetry (contract §1.3). Smoke is `high` and so latches until a person resolves
 * it; leak and power are `medium` and clear themselves when the sensor says so; room temperature
 * must stay out of range for a while (a door opened in winter is not an emergency).
 */
export function observeSensorReading(r: SensorReading, s: RuleSettingsBody, deviceId: string): Observation[] {
  const out: Observation[] = [];
  const at = toIso(r.ts);
  const boolean = (
    kind: AlertKind,
    active: boolean,
    priority: Priority,
    title: string,
    condition: string,
    input: Record<string, unknown>,
  ): Observation => ({
    key: kind,
    kind,
    rule: `facility-sensor.${kind.slice('facility.'.length)}`,
    spec: runSpec(0, 0, Number.MAX_SAFE_INTEGER),
    point: { ts: r.ts, tier: active ? 1 : 0, clear: !active },
    priority: { 1: priority, 2: priority },
    describe: () => ({ title, condition, inputs: { ...input, ts: at, deviceId } }),
  });
  if (r.smoke !== undefined)
    out.push(
      boolean('facility.smoke', r.smoke, 'high', 'Smoke detected', 'the room sensor detects smoke (smoke = true)', {
        smoke: r.smoke,
      }),
    );
  if (r.waterLeak !== undefined)
    out.push(
      boolean(
        'facility.water_leak',
        r.waterLeak,
        'medium',
        'Water leak',
        'the room sensor detects water (waterLeak = true)',
        {
          waterLeak: r.waterLeak,
        },
      ),
    );
  if (r.mainsPower !== undefined)
    out.push(
      boolean(
        'facility.power_loss',
        !r.mainsPower,
        'medium',
        'Mains power lost',
        'the room has lost mains power (mainsPower = false)',
        {
          mainsPower: r.mainsPower,
        },
      ),
    );
  if (r.airTemp !== undefined) {
    const a = s.airTemp;
    const t = r.airTemp;
    const { unit } = AIR_TEMP;
    out.push({
      key: 'facility.air_temp',
      kind: 'facility.air_temp',
      rule: 'facility-sensor.air_temp',
      spec: runSpec(a.forMs, a.clearForMs, Math.max(s.maxGapMs, 30 * 60_000)),
      point: {
        ts: r.ts,
        tier: t < a.low || t > a.high ? 1 : 0,
        clear: t >= a.low + a.clearMargin && t <= a.high - a.clearMargin,
      },
      priority: { 1: 'medium', 2: 'medium' },
      describe: () => ({
        title: `Room temperature ${t} ${unit}`,
        condition: `airTemp < ${a.low} ${unit} or > ${a.high} ${unit}${a.forMs > 0 ? ` for ${formatDuration(a.forMs)}` : ''}; clears within ${a.low + a.clearMargin}–${a.high - a.clearMargin} ${unit}`,
        inputs: { airTemp: t, ts: at, deviceId },
      }),
    });
  }
  return out;
}
