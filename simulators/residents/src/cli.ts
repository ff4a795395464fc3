#!/usr/bin/env tsx
import { readFile, writeFile } from 'node:fs/promises';
import { type CliConfig, parseCliArgs, USAGE } from './cli-args.ts';
import { parseDevicesFile } from './devices-file.ts';
import { provisionDevices } from './provision.ts';
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

async function loadDevices(c: CliConfig): Promise<DeviceSpec[]> {
  if (c.devicesFile !== undefined) return parseDevicesFile(await readFile(c.devicesFile, 'utf8'), c.facility);
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
      console.log(`provisioned ${devices.length} devices (secrets not saved: pass --save FILE to reuse them)`);
    }
    return devices;
  }
  return localDevices(c);
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
  const devices = await loadDevices(c);
  const sim = createSimulator({
    url: c.url,
    devices,
    ratePerSecond: c.rate,
    seed: c.seed,
    scenario: c.scenario,
    topicPrefix: c.prefix,
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
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
