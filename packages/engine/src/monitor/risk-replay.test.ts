import type { ResidentMemory } from '@vigil/rules';
import { silentLogger, systemClock } from '@vigil/runtime';
import { createMemoryStores, type Stores } from '@vigil/stores';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ingest } from '../ingest/ingest.ts';
import { RecordingDownlink } from '../ingest/ingest.fixture.ts';
import { PartitionStates } from '../pipeline/partition-state.ts';
import { partitionOf } from '../pipeline/partitions.ts';
import type { UplinkLog } from '../pipeline/uplink-log.ts';
import { Monitor } from './monitor.ts';
import { alertServices, RESIDENT, wearableOf } from './monitor.fixture.ts';
import { riskAnnouncementsKey } from './risk-report.ts';
import { OwnedSubjectStates } from './subject-states.ts';

const PARTITIONS = 8;
const P = partitionOf('resident:r1', PARTITIONS);
const MIN = 60_000;
/** Complete NEWS2 sets: 0 (low), and HR 115 + RR 22 + 38.5 °C = 5 (medium), HR 135 + RR 26 + 39.2 °C = 8 (high). */
const BANDS = {
  low: { hr: 75, spo2: 97, rr: 16, temp: 36.8 },
  medium: { hr: 115, spo2: 97, rr: 22, temp: 38.5 },
  high: { hr: 135, spo2: 97, rr: 26, temp: 39.2 },
} as const;

/**
 * Issue 15 item 4 "no duplicate report.updated after a takeover": two engine processes over shared
 * stores (the partition log, leases, checkpoints, the event log), as on Redis. Engine A judges a rise
 * and pushes it, but its checkpoint after that is refused (fenced, as for an owner that stalled past
 * its lease), so engine B takes the partition over from the checkpoint before the rise and replays
 * the rise's record from the log. The rule memory B resumes with does not know the rise was pushed;
 * the announced levels do, and B pushes nothing again. A later change is pushed as usual.
 */
describe('a risk change replayed after a takeover', () => {
  const stopping: Ingest[] = [];
  afterEach(async () => {
    for (const i of stopping.splice(0)) await i.stop();
  });

  async function shared() {
    const stores = createMemoryStores(() => Date.now());
    await stores.residents.put(RESIDENT);
    await stores.devices.put(wearableOf());
    // The partition's checkpoints can be refused from a point on.
    const gate = { refuse: false };
    const save = stores.checkpoints.save.bind(stores.checkpoints);
    stores.checkpoints.save = async (p, c) => (gate.refuse && p === P ? false : save(p, c));
    return { stores, gate };
  }

  function engine(stores: Stores, engineId: string) {
    const states = new PartitionStates(PARTITIONS);
    const logger = silentLogger();
    const { alerts, ruleSettings } = alertServices(stores, systemClock);
    const monitor = new Monitor({
      stores,
      alerts,
      ruleSettings,
      clock: systemClock,
      logger,
      subjects: new OwnedSubjectStates((key) => states.subjectsOf(key)),
    });
    const ingest = new Ingest({
      devices: stores.devices,
      counters: stores.counters,
      sink: monitor,
      downlink: new RecordingDownlink(),
      clock: systemClock,
      logger,
      topicPrefix: 'care',
      partitioning: {
        log: stores.uplinks as UplinkLog,
        leases: stores.leases,
        checkpoints: stores.checkpoints,
        durable: true,
        states,
        engineId,
        leaseMs: 300,
        tickMs: 50,
        checkpointMs: 50,
      },
    });
    stopping.push(ingest);
    const memory = () => states.get(P).subjects.get('resident:r1')?.memory as ResidentMemory | undefined;
    return { ingest, states, memory };
  }

  const start = Date.now() - 60 * MIN;
  let seq = 0;
  async function send(e: { ingest: Ingest }, bands: (keyof typeof BANDS)[], fromMinute: number) {
    const samples = bands.map((b, i) => ({
      ts: start + (fromMinute + i) * MIN,
      seq: ++seq,
      ...BANDS[b],
      sbp: 125,
      consciousness: 'A',
      onOxygen: false,
    }));
    await e.ingest.handle({
      deviceId: 'w1',
      topic: 'care/f1/devices/w1/vitals',
      payload: Buffer.from(JSON.stringify({ samples })),
      receivedAt: Date.now(),
    });
    await e.ingest.idle();
  }
  const pushed = async (stores: Stores) =>
    (await stores.events.readAfter('0-0', 1000)).events
      .filter((e) => e.event === 'report')
      .map((e) => {
        const d = e.envelope.data as { risk: string; previousRisk: string; at: string };
        return `${d.previousRisk}→${d.risk}@${(Date.parse(d.at) - start) / MIN}`;
      });

  async function riseThenTakeover(loseRecord: boolean) {
    seq = 0;
    const { stores, gate } = await shared();
    const a = engine(stores, 'engine-a');
    await a.ingest.start();
    expect(a.ingest.owned()).toContain(P);
    await send(a, ['low', 'low', 'low'], 0);
    // A checkpoint holding r1's memory as of the low scores (the log behind it trimmed).
    await vi.waitFor(
      async () => {
        const saved = (await stores.checkpoints.load(P))?.state as {
          subjects: [string, { memory?: ResidentMemory }][];
        };
        expect(saved?.subjects.find(([k]) => k === 'resident:r1')?.[1].memory?.risk?.announced).toBe('low');
      },
      { timeout: 3000 },
    );
    // From now on A's checkpoints of the partition are refused: it loses the partition after the rise.
    gate.refuse = true;
    await send(a, ['medium', 'medium'], 3);
    expect(await pushed(stores)).toEqual(['low→medium@3']);
    await vi.waitFor(() => expect(a.ingest.owned()).not.toContain(P), { timeout: 3000 });
    if (loseRecord) await stores.ruleState.put(riskAnnouncementsKey('r1'), undefined);

    const b = engine(stores, 'engine-b');
    await a.ingest.stop();
    gate.refuse = false;
    await b.ingest.start();
    // A's lease runs out; B takes the partition from the checkpoint and replays the rise's record.
    await vi.waitFor(() => expect(b.ingest.owned()).toContain(P), { timeout: 3000 });
    await vi.waitFor(() => expect(b.memory()?.risk?.announced).toBe('medium'), { timeout: 3000 });
    await b.ingest.idle();
    return { stores, b };
  }

  it('is not pushed a second time; a later change is pushed as usual', async () => {
    const { stores, b } = await riseThenTakeover(false);
    expect(await pushed(stores)).toEqual(['low→medium@3']);
    await send(b, ['high'], 5);
    expect(await pushed(stores)).toEqual(['low→medium@3', 'medium→high@5']);
  });

  it('would be pushed again without the record of what was announced (the replay does judge it again)', async () => {
    const { stores } = await riseThenTakeover(true);
    expect(await pushed(stores)).toEqual(['low→medium@3', 'low→medium@3']);
  });
});
