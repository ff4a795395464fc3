import { MINUTE_MS } from '../types.ts';
import { Episode, instantTiming } from './episode.ts';
import type { SensorScenario } from './types.ts';

export const waterLeak: SensorScenario = {
  name: 'water_leak',
  description: 'A leak is detected (waterLeak:true, humidity rising) for 20–40 min, then dried up.',
  deviceKind: 'sensor',
  create(ctx) {
    const leak = new Episode(ctx, instantTiming([20 * MINUTE_MS, 40 * MINUTE_MS]));
    return {
      step(slot) {
        const { phase } = leak.update(slot.atMs);
        slot.sensor.waterLeak = phase !== 'before';
        slot.sensor.offsets.humidity = slot.sensor.waterLeak ? 25 : 0;
        slot.telemetry();
      },
    };
  },
};

export const smoke: SensorScenario = {
  name: 'smoke',
  description: 'Smoke is detected (smoke:true, CO 30–120 ppm, air temperature up) for 5–15 min.',
  deviceKind: 'sensor',
  create(ctx) {
    const { rng } = ctx;
    const fire = new Episode(ctx, instantTiming([5 * MINUTE_MS, 15 * MINUTE_MS]));
    const peakCo = rng.float(30, 120);
    return {
      step(slot) {
        const { phase } = fire.update(slot.atMs);
        const on = phase !== 'before';
        slot.sensor.smoke = on;
        slot.sensor.offsets.co = on ? peakCo : 0;
        slot.sensor.offsets.airTemp = on ? 4 : 0;
        slot.telemetry();
      },
    };
  },
};

export const powerLoss: SensorScenario = {
  name: 'power_loss',
  description: 'Mains power fails (mainsPower:false) for 10–30 min; the sensor keeps reporting on its backup battery.',
  deviceKind: 'sensor',
  create(ctx) {
    const outage = new Episode(ctx, instantTiming([10 * MINUTE_MS, 30 * MINUTE_MS]));
    return {
      step(slot) {
        const { phase } = outage.update(slot.atMs);
        slot.sensor.mainsPower = phase === 'before';
        slot.telemetry();
      },
    };
  },
};
