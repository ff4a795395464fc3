#!/usr/bin/env tsx
/**
 * CPU per message of the embedded data path alone, without MQTT: Ingest (admission, log, owner,
 * applier) and the Monitor (rules, alerts, vitals history) wired as app.ts wires them, in memory, fed
 * the fleet benchmark's wearable payloads in rounds of one message per device. The fleet benchmark
 * measures the whole product against bare aedes; this isolates the part of it that is ours, in one
 * process, so a change to it can be compared run against run on a shared machine. Prints numbers.
 *
 *   npx tsx services/vigil/bench/fleet/pipeline-cpu.ts [devices=2000] [rounds=30]
 */
import { randomDevicePeppers } from '@vigil/auth';
import {
  AlertService,
  DEFAULT_PARTITIONS,
  Ingest,
  Monitor,
  OwnedSubjectStates,
  PartitionStates,
  RuleSettingsService,
  type UplinkLog,
} from '@vigil/engine';
import { silentLogger, systemClock } from '@vigil/runtime';
import { createMemoryStores } from '@vigil/stores';
import { seedDemo } from '../../src/demo.ts';
import { wearable } from './payloads.ts';

const DEVICES = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 30);

const clock = systemClock;
const logger = silentLogger();
const stores = createMemoryStores(() => clock.now());
const alerts = new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks });
const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
const states = new PartitionStates(DEFAULT_PARTITIONS);
const monitor = new Monitor({
  stores,
  alerts,
  ruleSettings,
  clock,
  logger,
  subjects: new OwnedSubjectStates((key) => states.subjectsOf(key)),
});
const ingest = new Ingest({
  devices: stores.devices,
  counters: stores.counters,
  sink: monitor,
  downlink: { publish: async () => {} },
  clock,
  logger,
  partitioning: {
    log: stores.uplinks as UplinkLog,
    leases: stores.leases,
    checkpoints: stores.checkpoints,
    durable: false,
    states,
  },
});
await ingest.start();
// Peppered secrets hash with an HMAC, not argon2id: provisioning takes moments (not measured).
const { devices } = await seedDemo(stores, DEVICES, clock.now(), false, { peppers: randomDevicePeppers() });
const wearables = devices
  .filter((d) => d.kind === 'wearable')
  .map((d, i) => ({ ...d, topic: `care/${d.facilityId}/devices/${d.deviceId}/vitals`, w: wearable(i + 1) }));

/** Messages handed over at once, as a busy broker's socket reads bring them. */
const BURST = 50;
const t0 = clock.now() - ROUNDS * 1000;
async function round(r: number): Promise<void> {
  for (let i = 0; i < wearables.length; i += BURST) {
    await Promise.all(
      wearables.slice(i, i + BURST).map((d) =>
        ingest.handle({
          deviceId: d.deviceId,
          topic: d.topic,
          payload: Buffer.from(d.w.vitals(t0 + r * 1000, r + 1)),
          receivedAt: clock.now(),
        }),
      ),
    );
    // The next socket read comes in a later turn of the event loop, as in the broker: the owners
    // apply between bursts instead of after the whole round (which kept every record of a round alive
    // at once and made the owner's per-turn budget look far dearer than it is in the product).
    await new Promise((resolve) => setImmediate(resolve));
  }
  await ingest.idle();
}

// Warm-up rounds (JIT, first samples of each resident), then the measured ones.
const WARMUP = Math.min(5, ROUNDS);
for (let r = 0; r < WARMUP; r++) await round(r);
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let r = WARMUP; r < ROUNDS; r++) await round(r);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
const messages = wearables.length * (ROUNDS - WARMUP);
const accepted = (await Promise.all(wearables.map((d) => stores.counters.get(d.deviceId)))).reduce(
  (n, c) => n + (c?.accepted ?? 0),
  0,
);
console.log(
  `${messages} messages from ${wearables.length} wearables: ${((cpu.user + cpu.system) / messages).toFixed(1)} µs CPU/msg ` +
    `(user ${(cpu.user / messages).toFixed(1)}), wall ${((wall * 1000) / messages).toFixed(1)} µs/msg; accepted ${accepted} in all`,
);
await ingest.stop();
process.exit(0);
