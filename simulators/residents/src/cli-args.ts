import { parseArgs } from 'node:util';
import { DEFAULT_TOPIC_PREFIX, ID_PATTERN } from '@vigil/contracts';
import { SCENARIO_NAMES } from './scenarios/index.ts';

export const USAGE = `vigil-sim: seeded residents and room sensors publishing to Vigil over MQTT (contract §1)

Usage: vigil-sim [options]

Devices (one of):
  --devices FILE        JSON array of {deviceId, secret, facilityId?, kind?, residentId?, zoneId?, roomId?}
  --api URL             provision through the REST API first (POST /api/auth/login, /api/residents,
                        /api/devices); needs --username, --password and --zone; --save keeps the secrets
  (neither)             ids sim-w-0001… / sim-s-0001… with --secret, for a broker without device auth

Options:
  --count N             wearables to provision or generate (default 10)
  --sensors N           room sensors to provision or generate (default 0)
  --rate R              samples per device per second, fractional allowed (default 1)
  --seed S              seed; the same seed gives the same run (default "vigil")
  --scenario NAME       ${['mixed', ...SCENARIO_NAMES.filter((n) => n !== 'mixed')].join(', ')} (default mixed)
  --url URL             broker (default mqtt://localhost:1883)
  --duration SECONDS    stop after this long (default: until Ctrl-C)
  --first-episode SECONDS   the first episodes (SOS, falls, desaturation…) start within this long
                        (default 180); later ones follow the scenario's own hours-apart rhythm
  --facility ID         facility of generated/provisioned devices (default "demo")
  --zone ID             zone of provisioned residents and devices
  --username U, --password P   REST credentials for --api (admin or manager)
  --save FILE           write the provisioned devices (with secrets) to FILE and keep them in service;
                        without it, --api devices are decommissioned when the run ends (no alerts left)
  --secret S            password of generated devices (default "sim-secret")
  --prefix P            topic prefix (default "${DEFAULT_TOPIC_PREFIX}")
  --summary SECONDS     summary period (default 10)
  -h, --help            this text
`;

export interface CliConfig {
  count: number;
  sensors: number;
  rate: number;
  seed: string;
  scenario: string;
  url: string;
  durationS: number | undefined;
  /** The first episodes start between `min(20 s, half of it)` and this, in ms after the start. */
  firstOnsetMs: readonly [number, number];
  facility: string;
  zone: string | undefined;
  devicesFile: string | undefined;
  api: string | undefined;
  username: string | undefined;
  password: string | undefined;
  save: string | undefined;
  secret: string;
  prefix: string;
  summaryS: number;
}

export type CliParse = { kind: 'help' } | { kind: 'run'; config: CliConfig } | { kind: 'error'; errors: string[] };

const OPTIONS = {
  count: { type: 'string' },
  sensors: { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  scenario: { type: 'string' },
  url: { type: 'string' },
  duration: { type: 'string' },
  'first-episode': { type: 'string' },
  facility: { type: 'string' },
  zone: { type: 'string' },
  devices: { type: 'string' },
  api: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  save: { type: 'string' },
  secret: { type: 'string' },
  prefix: { type: 'string' },
  summary: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses argv (without node and script); every problem is reported at once (STYLE.md §5). */
export function parseCliArgs(argv: readonly string[]): CliParse {
  let values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    return { kind: 'error', errors: [(err as Error).message] };
  }
  if (values.help) return { kind: 'help' };
  const errors: string[] = [];
  const number = (
    name: string,
    raw: string | undefined,
    fallback: number,
    check: (n: number) => boolean,
    what: string,
  ) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) errors.push(`--${name} must be ${what}, got "${raw}"`);
    return n;
  };
  const isCount = (n: number) => Number.isInteger(n) && n >= 0;
  const count = number('count', values.count, 10, isCount, 'a whole number ≥ 0');
  const sensors = number('sensors', values.sensors, 0, isCount, 'a whole number ≥ 0');
  const rate = number('rate', values.rate, 1, (n) => n > 0 && n <= 1000, 'a number in (0, 1000]');
  const durationS =
    values.duration === undefined ? undefined : number('duration', values.duration, 0, (n) => n > 0, 'a number > 0');
  const firstS = number('first-episode', values['first-episode'], 180, (n) => n > 0, 'a number > 0');
  const summaryS = number('summary', values.summary, 10, (n) => n > 0, 'a number > 0');
  const scenario = values.scenario ?? 'mixed';
  if (!SCENARIO_NAMES.includes(scenario))
    errors.push(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}, got "${scenario}"`);
  const url = values.url ?? 'mqtt://localhost:1883';
  try {
    const { protocol } = new URL(url);
    if (!['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:'].includes(protocol))
      errors.push(`--url must be mqtt://, mqtts://, ws:// or wss://, got "${url}"`);
  } catch {
    errors.push(`--url is not a URL: "${url}"`);
  }
  const facility = values.facility ?? 'demo';
  if (!ID_PATTERN.test(facility)) errors.push(`--facility must match ${ID_PATTERN}, got "${facility}"`);
  if (values.zone !== undefined && !ID_PATTERN.test(values.zone)) errors.push(`--zone must match ${ID_PATTERN}`);
  if (values.devices !== undefined && values.api !== undefined) errors.push('--devices and --api are exclusive');
  if (values.api !== undefined) {
    for (const need of ['username', 'password', 'zone'] as const) {
      if (values[need] === undefined) errors.push(`--api needs --${need}`);
    }
    try {
      new URL(values.api);
    } catch {
      errors.push(`--api is not a URL: "${values.api}"`);
    }
  }
  if (values.save !== undefined && values.api === undefined) errors.push('--save only applies with --api');
  if (values.devices === undefined && count + sensors === 0)
    errors.push('nothing to simulate: --count and --sensors are both 0');
  if (errors.length > 0) return { kind: 'error', errors };
  return {
    kind: 'run',
    config: {
      count,
      sensors,
      rate,
      seed: values.seed ?? 'vigil',
      scenario,
      url,
      durationS,
      firstOnsetMs: firstOnsetWindow(firstS * 1000),
      facility,
      zone: values.zone,
      devicesFile: values.devices,
      api: values.api,
      username: values.username,
      password: values.password,
      save: values.save,
      secret: values.secret ?? 'sim-secret',
      prefix: values.prefix ?? DEFAULT_TOPIC_PREFIX,
      summaryS,
    },
  };
}

/** A first onset drawn in [min(20 s, half), latest]: spread out, yet all within what was promised. */
export function firstOnsetWindow(latestMs: number): readonly [number, number] {
  return [Math.min(20_000, latestMs / 2), latestMs];
}
