#!/usr/bin/env tsx
import { readFile, writeFile } from 'node:fs/promises';
import { type CliConfig, parseCliArgs, USAGE } from './cli-args.ts';
import { parseDevicesFile } from './devices-file.ts';
import { provisionDevices, retireDevices } from './provision.ts';
import { createSimulator } from './simulator.ts';
import { formatSummary } from './summary.ts';
import type { DeviceSpec } from './types.ts';

const pad = (n: number) => String(n).padStart(4, '0');

/** Without --devices or --api: predictable ids for a broker that does not check device secrets. */
function localDevices(c: CliConfig): DeviceSpec[] {
  const zone = c.zone !== undefined ? { zoneId: c.zone } : {};
  const wearables = Array.from(
    { length: c.count },
    (_, i): DeviceSpec => ({
      deviceId: `sim-w-${pad(i + 1)}`,
      secret: c.secret,
      facilityId: c.facility,
      kind: 'wearable',
      ...zone,
      roomId: `sim-room-${i + 1}`,
    }),
  );
  const sensors = Array.from(
    { length: c.sensors },
    (_, i): DeviceSpec => ({
      deviceId: `sim-s-${pad(i + 1)}`,
      secret: c.secret,
      facilityId: c.facility,
      kind: 'sensor',
      ...zone,
      roomId: `sim-room-${i + 1}`,
    }),
  );
  return [...wearables, ...sensors];
}

/** The devices, and whether this run provisioned them for itself (and so retires them at the end). */
async function loadDevices(c: CliConfig): Promise<{ devices: DeviceSpec[]; retireAtEnd: boolean }> {
  if (c.devicesFile !== undefined) {
    return { devices: parseDevicesFile(await readFile(c.devicesFile, 'utf8'), c.facility), retireAtEnd: false };
  }
  if (c.api !== undefined && c.username !== undefined && c.password !== undefined && c.zone !== undefined) {
    const devices = await provisionDevices({
      api: c.api,
      username: c.username,
      password: c.password,
      facilityId: c.facility,
      zoneId: c.zone,
      wearables: c.count,
      sensors: c.sensors,
    });
    if (c.save !== undefined) {
      await writeFile(c.save, `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600 });
      console.log(`provisioned ${devices.length} devices; saved with their secrets to ${c.save}`);
    } else {
      console.log(
        `provisioned ${devices.length} devices, to be decommissioned when the run ends (--save FILE keeps them)`,
      );
    }
    return { devices, retireAtEnd: c.save === undefined };
  }
  return { devices: localDevices(c), retireAtEnd: false };
}

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    for (const e of parsed.errors) console.error(`error: ${e}`);
    console.error('run with --help for usage');
    return 1;
  }
  const c = parsed.config;
  const { devices, retireAtEnd } = await loadDevices(c);
  const sim = createSimulator({
    url: c.url,
    devices,
    ratePerSecond: c.rate,
    seed: c.seed,
    scenario: c.scenario,
    topicPrefix: c.prefix,
    firstOnsetMs: c.firstOnsetMs,
    ...(c.durationS !== undefined && { durationMs: c.durationS * 1000 }),
  });
  const startedAt = Date.now();
  console.log(`connecting ${devices.length} devices to ${c.url} (scenario ${c.scenario}, seed ${c.seed}, ${c.rate}/s)`);
  const summary = setInterval(() => console.log(formatSummary(sim.stats(), Date.now() - startedAt)), c.summaryS * 1000);
  const onSignal = () => void sim.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await sim.start();
  await sim.done;
  clearInterval(summary);
  console.log(formatSummary(sim.stats(), Date.now() - startedAt));
  if (retireAtEnd && c.api !== undefined && c.username !== undefined && c.password !== undefined) {
    // A stopped simulation is not a ward of wearables gone offline: take its devices out of service.
    await retireDevices({ api: c.api, username: c.username, password: c.password }, devices);
    console.log(`decommissioned ${devices.length} simulated devices; their residents stay for the next run`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
