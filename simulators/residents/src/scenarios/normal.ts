import type { SensorScenario, WearableScenario } from './types.ts';

export const normal: WearableScenario = {
  name: 'normal',
  description: 'A resident going about the day: baseline vitals, circadian drift, noise, steps.',
  deviceKind: 'wearable',
  create: () => ({ step: (slot) => slot.sample() }),
};

export const sensorNormal: SensorScenario = {
  name: 'normal',
  description: 'A quiet room: air temperature, humidity, CO, a door opening now and then.',
  deviceKind: 'sensor',
  create: () => ({ step: (slot) => slot.telemetry() }),
};
