#!/usr/bin/env tsx
/**
 * A fleet driver: N wearables over MQTT publishing QoS 1 vitals at R Hz for T s, each publish timed to
 * its PUBACK, SOS presses at known times. The orchestrator (run.ts) forks one or more of these so the
 * devices never share a process with what they measure; alone, it drives any broker:
 *
 *   tsx services/vigil/bench/fleet/fleet.ts --url mqtt://127.0.0.1:1883 --devices 500 --rate 1 --seconds 20
 *     [--credentials devices.json]   a JSON array of {"id","secret"} (else ids bench-0… with no password)
 *     [--sos 2] [--prefix care] [--facility f1] [--concurrency 250] [--drain 30]
 *
 * and prints its connect and run results as JSON.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectDevices, type Device, disconnectDevices } from './devices.ts';
import { type ConnectOrder, type DeviceCredentials, serveOrders } from './ipc.ts';
import { runSteadyPhase } from './publisher.ts';
import { sosPlan } from './schedule.ts';
import { LatencyHistogram } from './stats.ts';

async function serve(): Promise<void> {
  let devices: Device[] = [];
  let fleetSize = 0;
  serveOrders(async (order) => {
    switch (order.cmd) {
      case 'connect': {
        fleetSize = order.fleetSize;
        const connected = await connectDevices(order);
        devices = connected.devices;
        return { event: 'connected', result: connected.result };
      }
      case 'run':
        return { event: 'done', result: await runSteadyPhase(devices, fleetSize, order) };
      case 'close':
        await disconnectDevices(devices);
        process.exit(0);
        return undefined;
      default:
        throw new Error(`fleet: unexpected order ${order.cmd}`);
    }
  });
}

async function standalone(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      devices: { type: 'string', default: '100' },
      rate: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '10' },
      sos: { type: 'string', default: '0' },
      credentials: { type: 'string' },
      prefix: { type: 'string', default: 'care' },
      facility: { type: 'string', default: 'f1' },
      concurrency: { type: 'string', default: '250' },
      drain: { type: 'string', default: '30' },
    },
  });
  if (!values.url) throw new Error('--url mqtt://host:port is required');
  const creds: DeviceCredentials[] = values.credentials
    ? (JSON.parse(readFileSync(values.credentials, 'utf8')) as { id: string; secret?: string }[]).map((c, index) => ({
        index,
        ...c,
      }))
    : Array.from({ length: Number(values.devices) }, (_, index) => ({ index, id: `bench-${index}` }));
  const order: ConnectOrder = {
    cmd: 'connect',
    url: values.url,
    fleetSize: creds.length,
    devices: creds,
    concurrency: Number(values.concurrency),
    topicPrefix: values.prefix,
    facilityId: values.facility,
  };
  const { devices, result: connect } = await connectDevices(order);
  const seconds = Number(values.seconds);
  const run = await runSteadyPhase(devices, creds.length, {
    cmd: 'run',
    startAtEpochMs: Date.now() + 500,
    rateHz: Number(values.rate),
    seconds,
    sos: sosPlan(creds.length, Number(values.sos), seconds),
    drainSeconds: Number(values.drain),
  });
  await disconnectDevices(devices);
  const { puback, lag, ackedPerSecond, ...rest } = run;
  console.log(
    JSON.stringify(
      {
        connect,
        run: {
          ...rest,
          pubackMs: LatencyHistogram.from(puback).summary(),
          scheduleLagMs: LatencyHistogram.from(lag).summary(),
          ackedPerSecond,
        },
      },
      null,
      2,
    ),
  );
}

if (process.send) await serve();
else await standalone(process.argv.slice(2));
