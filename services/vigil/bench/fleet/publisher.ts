import type { Device } from './devices.ts';
import { monoMs, type RunOrder, type RunResult, type SosSent } from './ipc.ts';
import { sosEvent } from './payloads.ts';
import { Timeline } from './schedule.ts';
import { LatencyHistogram } from './stats.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The steady phase of one fleet process: every device publishes QoS 1 vitals on its schedule
 * (schedule.ts), the SOS presses go out at their times, and each publish is timed to its PUBACK. A
 * device does not wait for one PUBACK before its next sample is due, as firmware with a send queue
 * would not: a target that falls behind shows as PUBACKs owed and growing latency, not as a fleet that
 * politely slows down. Then it waits up to `drainSeconds` for the PUBACKs still owed.
 */
export async function runSteadyPhase(devices: Device[], fleetSize: number, order: RunOrder): Promise<RunResult> {
  const { rateHz, seconds } = order;
  const puback = new LatencyHistogram();
  const lag = new LatencyHistogram();
  const ackedPerSecond: number[] = [];
  let published = 0;
  let acked = 0;
  let failed = 0;
  let lastAckAt = 0;
  const sos: SosSent[] = [];

  // The shared start instant, mapped onto this process's monotonic clock.
  const t0 = performance.now() + (order.startAtEpochMs - Date.now());

  const publish = (d: Device, topic: string, payload: string, onAck?: (ms: number) => void) => {
    const sentAt = performance.now();
    published++;
    d.client.publish(topic, payload, { qos: 1 }, (err) => {
      const now = performance.now();
      if (err) {
        failed++;
        return;
      }
      acked++;
      lastAckAt = now;
      const second = Math.max(0, Math.floor((now - t0) / 1000));
      ackedPerSecond[second] = (ackedPerSecond[second] ?? 0) + 1;
      puback.record(now - sentAt);
      onAck?.(now - sentAt);
    });
  };

  // SOS presses on their own timers: they must not wait for a vitals backlog in this process.
  const byIndex = new Map(devices.map((d) => [d.index, d]));
  const sosTimers = order.sos.map(({ index, atMs }) =>
    setTimeout(
      () => {
        const d = byIndex.get(index);
        if (!d) return;
        const record: SosSent = { deviceId: d.id, sentAtMono: monoMs(), pubackMs: Number.NaN };
        sos.push(record);
        publish(d, d.eventsTopic, sosEvent(Date.now(), d.seq++), (ms) => {
          record.pubackMs = ms;
        });
      },
      Math.max(0, t0 + atMs - performance.now()),
    ),
  );

  const timeline = new Timeline(
    devices.map((d) => d.index),
    fleetSize,
    rateHz,
    seconds,
  );
  await sleep(Math.max(0, t0 - performance.now()));
  let owedAtEnd = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (let next = timeline.peek(); next; next = timeline.peek()) {
        const due = t0 + next.dueMs;
        if (due > now) {
          // Timers fire no sooner than 1 ms: publishes due within it go out together.
          setTimeout(tick, Math.max(1, due - now));
          return;
        }
        timeline.advance();
        const d = devices[next.slot] as Device;
        if (d.lost) continue;
        lag.record(now - due);
        publish(d, d.vitalsTopic, d.source.vitals(Date.now(), d.seq++));
      }
      resolve();
    };
    tick();
  });
  // The steady phase ends at T, whenever this process's last device was due.
  await sleep(Math.max(0, t0 + seconds * 1000 - performance.now()));
  owedAtEnd = published - acked - failed;
  const drainUntil = performance.now() + order.drainSeconds * 1000;
  while (published - acked - failed > 0 && performance.now() < drainUntil) await sleep(20);
  for (const t of sosTimers) clearTimeout(t);

  const end = published - acked - failed > 0 ? performance.now() : lastAckAt;
  return {
    published,
    acked,
    failed,
    unacked: published - acked - failed,
    owedAtEnd,
    activeSeconds: Math.max(0, end - t0) / 1000,
    ackedPerSecond: Array.from(ackedPerSecond, (n) => n ?? 0),
    puback: puback.toJSON(),
    lag: lag.toJSON(),
    sos,
    disconnects: devices.filter((d) => d.lost).length,
  };
}
