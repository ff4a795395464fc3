import type { AlertKind, Priority } from '@vigil/contracts';

export interface SensorReading {
  waterLeak?: boolean;
  smoke?: boolean;
  mainsPower?: boolean;
  airTemp?: number;
}

export interface SensorFinding {
  kind: AlertKind;
  /** true: the condition holds; false: it is known to be clear (the alert may self-clear). */
  active: boolean;
  priority: Priority;
  title: string;
  condition: string;
  input: Record<string, unknown>;
}

/** Room air temperature outside 16–32 °C endangers frail residents (heat stroke, hypothermia). */
export const AIR_TEMP_LIMITS = { low: 16, high: 32 } as const;

/** Facility sensor telemetry (contract §1.3). Smoke is `high`; leak, power and air temperature `medium`. */
export function judgeSensorReading(r: SensorReading): SensorFinding[] {
  const out: SensorFinding[] = [];
  if (r.smoke !== undefined) {
    out.push({
      kind: 'facility.smoke',
      active: r.smoke,
      priority: 'high',
      title: 'Smoke detected',
      condition: 'the room sensor detects smoke (smoke = true)',
      input: { smoke: r.smoke },
    });
  }
  if (r.waterLeak !== undefined) {
    out.push({
      kind: 'facility.water_leak',
      active: r.waterLeak,
      priority: 'medium',
      title: 'Water leak',
      condition: 'the room sensor detects water (waterLeak = true)',
      input: { waterLeak: r.waterLeak },
    });
  }
  if (r.mainsPower !== undefined) {
    out.push({
      kind: 'facility.power_loss',
      active: !r.mainsPower,
      priority: 'medium',
      title: 'Mains power lost',
      condition: 'the room has lost mains power (mainsPower = false)',
      input: { mainsPower: r.mainsPower },
    });
  }
  if (r.airTemp !== undefined) {
    const active = r.airTemp < AIR_TEMP_LIMITS.low || r.airTemp > AIR_TEMP_LIMITS.high;
    out.push({
      kind: 'facility.air_temp',
      active,
      priority: 'medium',
      title: `Room temperature ${r.airTemp} °C`,
      condition: `airTemp < ${AIR_TEMP_LIMITS.low} °C or > ${AIR_TEMP_LIMITS.high} °C`,
      input: { airTemp: r.airTemp },
    });
  }
  return out;
}
