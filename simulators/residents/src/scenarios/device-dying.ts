import type { WearableScenario } from './types.ts';

/** Battery level at which firmware warns (contract §1.2 `low_battery`). */
const LOW_BATTERY = 15;

export const deviceDying: WearableScenario = {
  name: 'device_dying',
  description:
    'The battery drains fast (low_battery at 15 %), then the device dies: the connection is destroyed without DISCONNECT, so the broker publishes the Last Will {"state":"offline"}.',
  deviceKind: 'wearable',
  create({ rng }) {
    let started = false;
    let warned = false;
    let dead = false;
    return {
      step(slot) {
        if (dead) return;
        const r = slot.resident;
        if (!started) {
          started = true;
          // Dies within roughly 20–60 minutes.
          r.battery = Math.min(r.battery, rng.float(25, 45));
          r.drainPerHour = rng.float(45, 75);
          r.dockOvernight = false;
        }
        slot.sample();
        if (!warned && r.battery <= LOW_BATTERY) {
          warned = true;
          slot.event('low_battery');
        }
        if (r.battery <= 1) {
          dead = true;
          slot.drop();
        }
      },
    };
  },
};
