import { type Alert, DEFAULT_CONSENT, type LoggedEvent, PRIORITY_RANK } from '@vigil/contracts';
import { type AcceptedSample, AlertService, Monitor, RuleSettingsService } from '@vigil/engine';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { ResidentModel, Rng } from '@vigil/simulator';
import { createMemoryStores, type DeviceRecord } from '@vigil/stores';
import { isCritical } from './clinical-truth.ts';
import { type DayPlan, type Episode, episodeLevel, GRACE_MS, planDay, shape, steer } from './episodes.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface DayOptions {
  seed: string;
  residents: number;
  /** How many residents wear a band that reports only every 3–5 min. */
  sparse: number;
  /** Local midnight (facility time) the day starts at. */
  dayStartMs: number;
  /** Every other wristband's sample interval. */
  sampleEveryMs: number;
  noiseControls: boolean;
  /** Chance per sample of a one-sample motion artefact. */
  artefactProbability: number;
}

/**
 * How an alert event reached the boards: a chime (`raised`, `reraised`, or an `alert.updated` that
 * counts a new occurrence) or a rise in priority on an open alert without a new occurrence.
 */
export interface Signal {
  alert: Alert;
  atMs: number;
  how: 'raised' | 'reraised' | 'repeat' | 'priority';
}

/** Everything the platform said during the day, for scoring. */
export interface DayRun {
  plan: DayPlan;
  /** Per episode id: device time of its first reading in the critical range (critical episodes). */
  onsetMs: (number | undefined)[];
  signals: Signal[];
  /** `alert.updated` events: board traffic. */
  updates: number;
  samples: number;
  wallMs: number;
}

/** A nurse looks at every alert within this time and resolves it (handled or false alarm). */
const NURSE_RESOLVES_AFTER_MS = 10 * MIN;

/**
 * One simulated day of a facility, time accelerated, straight into the monitor (the rules are what is
 * measured, not MQTT). Each resident has a wristband (a sample every `sampleEveryMs`, or every 3–5
 * min for the sparse ones) and a cuff used at the routine rounds and when a carer checks someone who
 * looks unwell. Seeded: the same options give the same day.
 */
export async function runDay(o: DayOptions): Promise<DayRun> {
  const clock = new ManualClock(o.dayStartMs);
  const stores = createMemoryStores(() => clock.now());
  const alerts = new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks });
  const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
  // Not an object literal, so it also fits a MonitorDeps without `clock` (older engines).
  const deps = { stores, alerts, ruleSettings, clock, logger: silentLogger(), noiseControls: o.noiseControls };
  const monitor = new Monitor(deps);
  const plan = planDay(new Rng(`${o.seed}:plan`), o);
  const sparse = new Set(plan.sparse);
  const models: ResidentModel[] = [];
  const bands: DeviceRecord[] = [];
  const cuffs: DeviceRecord[] = [];
  const episodesOf: Episode[][] = [];
  await stores.facilities.put({ id: 'sim', name: 'Simulated facility', zones: [{ id: 'z1', name: 'All' }] });
  for (let i = 0; i < o.residents; i++) {
    const residentId = `r${i + 1}`;
    await stores.residents.put({
      id: residentId,
      facilityId: 'sim',
      name: residentId,
      zoneId: 'z1',
      roomId: `room-${i + 1}`,
      carePlan: { onOxygen: false },
      consent: DEFAULT_CONSENT,
    });
    const device = (id: string, profile: 'wristband' | 'cuff'): DeviceRecord => ({
      id,
      kind: 'wearable',
      profile,
      facilityId: 'sim',
      residentId,
      secretHash: 'x',
      state: 'online',
      createdAt: 0,
    });
    bands.push(device(`w${i + 1}`, 'wristband'));
    cuffs.push(device(`c${i + 1}`, 'cuff'));
    for (const d of [bands[i], cuffs[i]] as DeviceRecord[]) await stores.devices.put(d);
    const model = new ResidentModel(new Rng(`${o.seed}:resident:${i}`), { artefactProbability: o.artefactProbability });
    // Full at the start of the day: battery alarms are a separate concern from this measurement.
    model.battery = 100;
    model.drainPerHour = 0.5;
    models.push(model);
    episodesOf.push(plan.episodes.filter((e) => e.resident === i));
  }
  const junk = new Rng(`${o.seed}:junk`);
  const cadence = new Rng(`${o.seed}:cadence`);
  const depthRng = new Rng(`${o.seed}:depth`);
  const nextBandAt = models.map((_, i) => o.dayStartMs + (sparse.has(i) ? cadence.float(0, 4) * MIN : 0));
  const nextCuff = models.map(() => 0);
  const onsetMs: (number | undefined)[] = plan.episodes.map(() => undefined);

  const signals: Signal[] = [];
  let updates = 0;
  const seen = new Map<string, Alert>();
  stores.events.subscribe((e: LoggedEvent) => {
    if (e.event !== 'alert') return;
    const a = e.envelope.data as Alert;
    const before = seen.get(a.id);
    const atMs = clock.now();
    if (e.envelope.type === 'alert.raised') signals.push({ alert: a, atMs, how: 'raised' });
    else if (e.envelope.type === 'alert.reraised') signals.push({ alert: a, atMs, how: 'reraised' });
    else if (e.envelope.type === 'alert.updated' && a.occurrences > (before?.occurrences ?? 0))
      signals.push({ alert: a, atMs, how: 'repeat' });
    else if (before && PRIORITY_RANK[a.priority] < PRIORITY_RANK[before.priority])
      signals.push({ alert: a, atMs, how: 'priority' });
    if (e.envelope.type === 'alert.updated') updates++;
    seen.set(a.id, a);
  });

  const started = performance.now();
  let samples = 0;
  const send = async (device: DeviceRecord, sample: AcceptedSample, active: Episode[]) => {
    await monitor.vitals(device, [sample]);
    samples++;
    for (const e of active)
      if (e.critical && onsetMs[e.id] === undefined && isCritical(e.critical, sample)) onsetMs[e.id] = sample.ts;
  };
  const end = o.dayStartMs + 24 * HOUR;
  let nextNurseRound = o.dayStartMs + MIN;
  for (let t = o.dayStartMs; t < end; t += o.sampleEveryMs) {
    clock.advance(t - clock.now());
    for (let i = 0; i < o.residents; i++) {
      const cuffTimes = plan.cuffAtMs[i] ?? [];
      const bandDue = t >= (nextBandAt[i] as number);
      let cuffDue = false;
      while ((cuffTimes[nextCuff[i] as number] ?? end) <= t) {
        cuffDue = true;
        nextCuff[i] = (nextCuff[i] as number) + 1;
      }
      if (!bandDue && !cuffDue) continue;
      const model = models[i] as ResidentModel;
      // Episodes of one resident never overlap: reset, then let the active one (if any) steer.
      model.offsets.hr = model.offsets.spo2 = model.offsets.rr = model.offsets.sbp = model.offsets.temp = 0;
      model.immobile = false;
      const active = (episodesOf[i] ?? []).filter((e) => t >= e.startMs && t < e.endMs);
      for (const e of active) steer(model, e, episodeLevel(e, t));
      if (bandDue) {
        if (sparse.has(i)) nextBandAt[i] = t + cadence.float(3, 5) * MIN;
        const off = (plan.offWrist[i] ?? []).some((p) => t >= p.from && t < p.to);
        model.worn = !off;
        const r = model.next(t);
        // A wristband measures no blood pressure: that is the cuff's.
        const { sbp: _sbp, dbp: _dbp, ...band } = r;
        // Off the wrist the optical sensor reports junk, flagged worn:false as the contract asks.
        const sample: AcceptedSample = off
          ? { ts: t, worn: false, battery: r.battery, hr: junk.int(0, 45), spo2: junk.int(50, 85) }
          : { ...band, ts: t };
        if (!off) for (const e of active) shape(sample, e, episodeLevel(e, t), depthRng);
        await send(bands[i] as DeviceRecord, sample, active);
      }
      if (cuffDue) {
        // A cuff spot reading: blood pressure and pulse, nothing else (on the arm, band on or off).
        model.worn = true;
        model.requestSpotCheck();
        const r = model.next(t);
        const sample: AcceptedSample = { ts: t, sbp: r.sbp, hr: r.hr };
        for (const e of active) shape(sample, e, episodeLevel(e, t), depthRng);
        // Diastolic falls with systolic: keep a pulse pressure of at least 20, as the model does.
        if (r.dbp !== undefined) sample.dbp = Math.min(r.dbp, (sample.sbp ?? r.dbp + 20) - 20);
        await send(cuffs[i] as DeviceRecord, sample, active);
      }
    }
    if (t >= nextNurseRound) {
      nextNurseRound += MIN;
      for (const a of await stores.alerts.list({ state: 'open' })) {
        if (t - Date.parse(a.raisedAt) < NURSE_RESOLVES_AFTER_MS) continue;
        const mine = episodesOf[Number(a.residentId?.slice(1)) - 1] ?? [];
        const real = mine.some((e) => t >= e.startMs && t <= e.endMs + GRACE_MS);
        await alerts.resolve(a.id, 'nurse', real ? 'handled' : 'false_alarm');
      }
    }
  }
  return { plan, onsetMs, signals, updates, samples, wallMs: performance.now() - started };
}
