#!/usr/bin/env tsx
/**
 * CPU per sample of the wearable rules alone (`observeWearableSample`: artefacts, thresholds, NEWS2,
 * risk, wear, activity, baseline), no pipeline and no stores: the benchmark's wearable payloads, one
 * per resident per round, in device-time order. For tuning the rules run against run; prints numbers.
 *
 *   npx tsx services/vigil/bench/rules-cpu.ts [residents=2000] [rounds=200]
 */
import { DEFAULT_RULE_SETTINGS, type VitalsSample } from '@vigil/contracts';
import { newResidentMemory, observeWearableSample, type ResidentMemory } from '@vigil/rules';
import { wearable } from './fleet/payloads.ts';

const RESIDENTS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 200);

const residents = Array.from({ length: RESIDENTS }, (_, i) => ({
  w: wearable(i + 1),
  memory: newResidentMemory() as ResidentMemory,
  ctx: { settings: DEFAULT_RULE_SETTINGS, carePlan: {}, deviceId: `wb-${i}` },
}));
const t0 = Date.now() - ROUNDS * 1000;
// Parsed up front: JSON is the admission's cost, not the rules'.
const rounds = Array.from({ length: ROUNDS }, (_, r) =>
  residents.map((res) => JSON.parse(res.w.vitals(t0 + r * 1000, r + 1)) as VitalsSample & { ts: number }),
);
let observations = 0;
const run = (from: number, to: number) => {
  for (let r = from; r < to; r++) {
    const samples = rounds[r] as (VitalsSample & { ts: number })[];
    residents.forEach((res, i) => {
      const judged = observeWearableSample(res.memory, samples[i] as VitalsSample & { ts: number }, res.ctx);
      res.memory = judged.memory;
      observations += judged.verdict.observations.length;
    });
  }
};
const warm = Math.min(20, ROUNDS);
run(0, warm);
const cpu0 = process.cpuUsage();
run(warm, ROUNDS);
const cpu = process.cpuUsage(cpu0);
const n = RESIDENTS * (ROUNDS - warm);
console.log(
  `${n} samples: ${((cpu.user + cpu.system) / n).toFixed(2)} µs CPU/sample, ${(observations / (n + RESIDENTS * warm)).toFixed(1)} observations/sample`,
);
