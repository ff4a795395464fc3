import { type Alert, DEFAULT_CONSENT, type LoggedEvent } from '@vigil/contracts';
import { AlertService, type AcceptedSample, Monitor, RuleSettingsService } from '@vigil/engine';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { ResidentModel, Rng } from '@vigil/simulator';
import { createMemoryStores, type DeviceRecord } from '@vigil/stores';
import { type Episode, episodeLevel, planEpisodes } from './episodes.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface DayOptions {
  seed: string;
  residents: number;
  /** Local midnight (facility time) the day starts at. */
  dayStartMs: number;
  sampleEveryMs: number;
  noiseControls: boolean;
  /** Chance per sample of a one-sample motion artefact. */
  artefactProbability: number;
}

/** Everything the platform said during the day, for scoring. */
export interface DayRun {
  episodes: Episode[];
  /** A new alert or a new episode on an open alert: each makes a board chime. */
  notifications: { alert: Alert; atMs: number }[];
  updates: number;
  samples: number;
  wallMs: number;
}

/** A nurse looks at every alert within this time and resolves it (handled or false alarm). */
const NURSE_RESOLVES_AFTER_MS = 10 * MIN;

/**
 * One simulated day of a facility, time accelerated: every resident's wearable sends a sample every
 * `sampleEveryMs` straight into the monitor (the rules are what is measured, not MQTT), with the
 * resident model's noise and artefacts, off-wrist periods that report junk, and the injected episodes.
 * Seeded: the same options give the same day.
 */
export async function runDay(o: DayOptions): Promise<DayRun> {
  const clock = new ManualClock(o.dayStartMs);
  const stores = createMemoryStores(() => clock.now());
  const alerts = new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks });
  const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
  const monitor = new Monitor({ stores, alerts, ruleSettings, logger: silentLogger(), noiseControls: o.noiseControls });
  const rng = new Rng(`${o.seed}:plan`);
  const models: ResidentModel[] = [];
  const devices: DeviceRecord[] = [];
  const offWrist: { from: number; to: number }[][] = [];
  await stores.facilities.put({ id: 'sim', name: 'Simulated facility', zones: [{ id: 'z1', name: 'All' }] });
  for (let i = 0; i < o.residents; i++) {
    const id = `r${i + 1}`;
    await stores.residents.put({
      id,
      facilityId: 'sim',
      name: id,
      zoneId: 'z1',
      roomId: `room-${i + 1}`,
      carePlan: { onOxygen: false },
      consent: DEFAULT_CONSENT,
    });
    const device: DeviceRecord = {
      id: `w${i + 1}`,
      kind: 'wearable',
      facilityId: 'sim',
      residentId: id,
      secretHash: 'x',
      state: 'online',
      createdAt: 0,
    };
    await stores.devices.put(device);
    devices.push(device);
    const model = new ResidentModel(new Rng(`${o.seed}:resident:${i}`), { artefactProbability: o.artefactProbability });
    // Full at the start of the day: battery alarms are a separate concern from this measurement.
    model.battery = 100;
    model.drainPerHour = 0.5;
    models.push(model);
    // A shower in the morning and a charge in the evening: the wearable is off the wrist and its
    // optical sensor reports junk (flagged worn:false, as the contract asks).
    offWrist.push(
      [
        { from: o.dayStartMs + rng.float(7, 9) * HOUR, to: 0 },
        { from: o.dayStartMs + rng.float(19, 21) * HOUR, to: 0 },
      ].map((p) => ({ from: p.from, to: p.from + rng.float(15, 45) * MIN })),
    );
  }
  const episodes = planEpisodes(rng, models, o.dayStartMs);
  const junk = new Rng(`${o.seed}:junk`);

  const notifications: DayRun['notifications'] = [];
  let updates = 0;
  const occurrences = new Map<string, number>();
  stores.events.subscribe((e: LoggedEvent) => {
    if (e.event !== 'alert') return;
    const a = e.envelope.data as Alert;
    const before = occurrences.get(a.id) ?? 0;
    if (e.envelope.type === 'alert.raised' || (e.envelope.type === 'alert.updated' && a.occurrences > before)) {
      notifications.push({ alert: a, atMs: clock.now() });
    }
    if (e.envelope.type === 'alert.updated') updates++;
    occurrences.set(a.id, a.occurrences);
  });

  const started = performance.now();
  let samples = 0;
  const end = o.dayStartMs + 24 * HOUR;
  let nextNurseRound = o.dayStartMs + MIN;
  for (let t = o.dayStartMs; t < end; t += o.sampleEveryMs) {
    clock.advance(t - clock.now());
    for (let i = 0; i < o.residents; i++) {
      const model = models[i] as ResidentModel;
      // Episodes of one resident never overlap: reset, then let the active one (if any) steer.
      model.offsets.hr = model.offsets.spo2 = model.offsets.rr = model.offsets.temp = 0;
      model.immobile = false;
      for (const e of episodes) {
        const level = e.resident === i ? episodeLevel(e, t) : 0;
        if (level > 0) e.steer(model, level);
      }
      const off = (offWrist[i] ?? []).some((p) => t >= p.from && t < p.to);
      model.worn = !off;
      const r = model.next(t);
      const sample: AcceptedSample = off
        ? { ts: t, worn: false, battery: r.battery, hr: junk.int(0, 45), spo2: junk.int(50, 85) }
        : { ...r, ts: t };
      await monitor.vitals(devices[i] as DeviceRecord, [sample]);
      samples++;
    }
    if (t >= nextNurseRound) {
      nextNurseRound += MIN;
      for (const a of await stores.alerts.list({ state: 'open' })) {
        if (t - Date.parse(a.raisedAt) < NURSE_RESOLVES_AFTER_MS) continue;
        const real = episodes.some(
          (e) => e.resident === Number(a.residentId?.slice(1)) - 1 && t >= e.startMs && t <= e.endMs + 15 * MIN,
        );
        await alerts.resolve(a.id, 'nurse', real ? 'handled' : 'false_alarm');
      }
    }
  }
  return { episodes, notifications, updates, samples, wallMs: performance.now() - started };
}
