import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Alert, DeviceDetail, Resident } from '@vigil/contracts';
import { type DeviceSpec, Fleet, type PublishEmission } from '@vigil/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../simulators/residents/src/cli-args.ts';
import { type Platform, startPlatform } from './harness.ts';

/**
 * The simulator example of the READMEs (root and simulators/residents), run as written against a
 * running demo platform: only the addresses (this test's ports) and the duration (seconds, not five
 * minutes) are changed. It must do what the READMEs say: ten residents in the east wing streaming
 * vitals, no "wearable offline" alarms left when it ends, the same ten residents on a second run, and
 * (checked on the same flags in simulated time) every desaturation starting within 3 minutes.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUN_S = 12;

/** The `sim --api …` command of a README, continuation lines joined, as argv. */
function exampleCommand(readme: string): string[] {
  const text = readFileSync(`${ROOT}${readme}`, 'utf8');
  const start = text.search(/^npx -y pnpm@10 --filter @vigil\/simulator sim --api /m);
  if (start < 0) throw new Error(`${readme}: no simulator example with --api`);
  const lines: string[] = [];
  for (const line of text.slice(start).split('\n')) {
    lines.push(line.replace(/\\$/, ''));
    if (!line.endsWith('\\')) break;
  }
  return lines.join(' ').split(/\s+/).filter(Boolean);
}

function flag(argv: readonly string[], name: string): string {
  const i = argv.indexOf(name);
  if (i < 0) throw new Error(`example has no ${name}`);
  return argv[i + 1]!;
}

function run(argv: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the simulator example in the READMEs', () => {
  const root = exampleCommand('README.md');
  let p: Platform;
  let argv: string[];
  /** The README's own manager login. */
  let admin: string;

  beforeAll(async () => {
    // The demo's facility and accounts, as `pnpm start` has them, without its own simulator.
    p = await startPlatform({ demo: true, simulator: false });
    admin = await p.login(flag(root, '--username'), flag(root, '--password'));
    argv = root.map((a) => (a === 'http://localhost:8080' ? p.baseUrl : a === 'mqtt://localhost:1883' ? p.mqttUrl : a));
    argv[argv.indexOf('--duration') + 1] = String(RUN_S);
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('is the same command in both READMEs', () => {
    expect(exampleCommand('simulators/residents/README.md')).toEqual(root);
    expect(flag(root, '--count')).toBe('10');
    expect(flag(root, '--duration')).toBe('300');
  });

  const facility = () => flag(root, '--facility');
  const prefix = () => `sim-${facility()}-${flag(root, '--zone')}-`;

  async function simulated() {
    const residents = (await p.must<Resident[]>('GET', `/api/residents?facilityId=${facility()}`, admin)).filter((r) =>
      r.id.startsWith(prefix()),
    );
    const ids = new Set(residents.map((r) => r.id));
    const devices = (
      await p.must<DeviceDetail[]>('GET', `/api/devices?facilityId=${facility()}&limit=1000`, admin)
    ).filter((d) => d.residentId !== undefined && ids.has(d.residentId));
    const offline = (await p.must<Alert[]>('GET', '/api/alerts?state=open&limit=1000', admin)).filter(
      (a) => a.kind === 'device.offline' && a.residentId !== undefined && ids.has(a.residentId),
    );
    return { residents, devices, offline };
  }

  async function runAndCheck(round: number): Promise<void> {
    const { code, out } = await run(argv);
    expect(code, out).toBe(0);
    expect(out).toContain('provisioned 10 devices');
    expect(out).toContain('decommissioned 10 simulated devices');
    const { residents, devices } = await simulated();
    expect(residents.length).toBe(10);
    expect(new Set(residents.map((r) => r.zoneId))).toEqual(new Set([flag(root, '--zone')]));
    // One wearable per resident per run, each out of service now, each having streamed while it ran.
    expect(devices.length).toBe(10 * round);
    for (const d of devices) expect(d.state).toBe('decommissioned');
    for (const d of devices.slice(-10)) expect(d.counters.accepted).toBeGreaterThan(RUN_S / 2);
    // No alarms left behind, also once anything still in flight has landed.
    await expect.poll(async () => (await simulated()).offline.length, { timeout: 5_000 }).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await simulated()).offline).toEqual([]);
  }

  it('provisions ten residents that stream, and leaves no offline alarms when it ends', async () => {
    await runAndCheck(1);
  }, 120_000);

  it('finds the same ten residents when run again', async () => {
    await runAndCheck(2);
  }, 120_000);

  it('starts every desaturation within 3 minutes (same flags, simulated time)', () => {
    const parsed = parseCliArgs(root.slice(root.indexOf('sim') + 1));
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    const c = parsed.config;
    const devices: DeviceSpec[] = Array.from({ length: c.count }, (_, i) => ({
      deviceId: `w${i + 1}`,
      secret: 's',
      facilityId: c.facility,
      kind: 'wearable',
      residentId: `r${i + 1}`,
    }));
    const start = Date.UTC(2026, 11, 6, 9, 0, 0);
    const fleet = new Fleet({
      devices,
      seed: c.seed,
      scenario: c.scenario,
      ratePerSecond: c.rate,
      startMs: start,
      firstOnsetMs: c.firstOnsetMs,
    });
    // Onset by 3 min, the first ramp at most 90 s: by 4.5 min every resident is at the nadir (85–88 %).
    const lowest = new Map<string, number>();
    for (let t = start; t <= start + 270_000; t += 1_000) {
      for (const e of fleet.tick(t)) {
        if (e.kind !== 'publish' || (e as PublishEmission).label !== 'sample') continue;
        const spo2 = (JSON.parse((e as PublishEmission).payload) as { spo2?: number }).spo2;
        if (spo2 !== undefined) lowest.set(e.deviceId, Math.min(lowest.get(e.deviceId) ?? 100, spo2));
      }
    }
    expect(lowest.size).toBe(10);
    for (const [id, spo2] of lowest) expect(spo2, id).toBeLessThanOrEqual(91);
  });
});
