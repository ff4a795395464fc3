import type { Rng } from '../rng.ts';
import { batch } from './batch.ts';
import { desaturation } from './desaturation.ts';
import { deviceDying } from './device-dying.ts';
import { powerLoss, smoke, waterLeak } from './facility.ts';
import { fall } from './fall.ts';
import { fever } from './fever.ts';
import { malformed } from './malformed.ts';
import { normal, sensorNormal } from './normal.ts';
import { sos } from './sos.ts';
import { tachycardia } from './tachycardia.ts';
import type { SensorScenario, WearableScenario } from './types.ts';
import { wearOff } from './wear-off.ts';

export type { Phase, EpisodeTiming } from './episode.ts';
export { Episode } from './episode.ts';
export { MALFORMED_KINDS, malformedPayload } from './malformed.ts';
export type * from './types.ts';

const byName = <S extends { name: string }>(list: S[]): ReadonlyMap<string, S> => new Map(list.map((s) => [s.name, s]));

/** Scenarios for wearables, by name. */
export const wearableScenarios = byName<WearableScenario>([
  normal,
  tachycardia,
  desaturation,
  fever,
  sos,
  fall,
  wearOff,
  deviceDying,
  malformed,
  batch,
]);

/** Scenarios for facility sensors, by name (`normal` is the sensors' own). */
export const sensorScenarios = byName<SensorScenario>([sensorNormal, waterLeak, smoke, powerLoss]);

export const MIXED = 'mixed';

/** Every name `--scenario` accepts. */
export const SCENARIO_NAMES: readonly string[] = [
  ...new Set([MIXED, ...wearableScenarios.keys(), ...sensorScenarios.keys()]),
];

/** `mixed`: mostly normal, a few devices get an episode. Malformed input is never mixed in (demo use). */
const MIXED_WEARABLE: readonly (readonly [string, number])[] = [
  ['normal', 80],
  ['tachycardia', 3],
  ['desaturation', 3],
  ['fever', 3],
  ['sos', 3],
  ['fall', 3],
  ['wear_off', 2],
  ['batch', 2],
  ['device_dying', 1],
];
const MIXED_SENSOR: readonly (readonly [string, number])[] = [
  ['normal', 88],
  ['water_leak', 4],
  ['smoke', 4],
  ['power_loss', 4],
];

export function isScenarioName(name: string): boolean {
  return SCENARIO_NAMES.includes(name);
}

/**
 * The scenario one device runs. A name that exists only for the other kind (e.g. `fever` for a room
 * sensor) gives that kind's `normal`, so one `--scenario` can drive a fleet of both kinds.
 */
export function wearableScenarioFor(name: string, rng: Rng): WearableScenario {
  const chosen = name === MIXED ? rng.weighted(MIXED_WEARABLE) : name;
  return wearableScenarios.get(chosen) ?? normal;
}

export function sensorScenarioFor(name: string, rng: Rng): SensorScenario {
  const chosen = name === MIXED ? rng.weighted(MIXED_SENSOR) : name;
  return sensorScenarios.get(chosen) ?? sensorNormal;
}
