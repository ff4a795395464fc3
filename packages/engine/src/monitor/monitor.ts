import { type DeviceStatus, type Resident, type RuleSettings, toIso } from '@vigil/contracts';
import {
  type BaselineState,
  batteryObservation,
  judgeDeviceEvent,
  newResidentMemory,
  type Observation,
  observeSensorReading,
  observeWearableSample,
  runSpec,
} from '@vigil/rules';
import type { Clock, Logger } from '@vigil/runtime';
import { alertSubject, type DeviceRecord, type Stores } from '@vigil/stores';
import type { AlertService, RaiseInput } from '../alerts/alert-service.ts';
import type { AcceptedEvent, AcceptedSample, AcceptedTelemetry, IngestSink, VitalsFeed } from '../ports.ts';
import type { RuleSettingsService } from '../rules/rule-settings-service.ts';
import { type AlertTarget, applyObservations } from './condition-tracker.ts';
import { DevicePresence } from './device-presence.ts';
import { messageInterval } from './device-rhythm.ts';
import { announceRiskChanges, type FirstRiskLevel, type PendingRiskChange } from './risk-report.ts';
import { OwnedSubjectStates, type SubjectState, type SubjectStates } from './subject-states.ts';

/** One-off events (SOS, fall) are judged by a fixed rule; its version is part of the code. */
const EVENT_RULE_VERSION = 1;

export interface MonitorDeps {
  stores: Stores;
  alerts: AlertService;
  logger: Logger;
  /** Platform time, to tell late data (store-and-forward) from live. */
  clock: Clock;
  vitalsFeed?: VitalsFeed;
  /** Facility rule settings (the gateway edits them through the same service). */
  ruleSettings: RuleSettingsService;
  /** false: no persistence, hysteresis, artefact filtering or inhibition (noise measurement only). */
  noiseControls?: boolean;
  /**
   * Where rule memory lives: held in process by the owner of the subjects' partitions (the default),
   * or in the rule-state store under a lock per subject for engines that do not own their subjects.
   */
  subjects?: SubjectStates;
}

/**
 * Judges accepted device data: stores history, applies the rules, raises and clears alerts. It is the
 * sink of the partition owner (architecture.md: broker → log → owner → alerts). Rule memory lives in
 * `subjects` (subject-states.ts), advanced in device-time order.
 */
export class Monitor implements IngestSink {
  private readonly presence: DevicePresence;
  private readonly log: Logger;
  private readonly settings: RuleSettingsService;
  private readonly subjects: SubjectStates;

  constructor(private readonly deps: MonitorDeps) {
    this.subjects = deps.subjects ?? new OwnedSubjectStates();
    this.presence = new DevicePresence(deps.stores);
    this.log = deps.logger.child({ module: 'monitor' });
    this.settings = deps.ruleSettings;
  }

  async vitals(device: DeviceRecord, samples: AcceptedSample[]): Promise<void> {
    const last = samples.at(-1);
    const first = samples[0];
    if (!last || !first) return;
    const interval = messageInterval(device, first.ts, last.ts, samples.length);
    await this.presence.seen(device, last.ts, last.battery, interval);
    const resident = await this.residentOf(device);
    if (!resident) return;
    const settings = await this.settings.get(resident.facilityId);
    const riskChanges: PendingRiskChange[] = [];
    let firstRisk: FirstRiskLevel | undefined;
    const verdict = await this.withSubject(`resident:${resident.id}`, async (state) => {
      let memory = state.memory ?? newResidentMemory();
      const target = this.target(device, resident, settings);
      let latest: ReturnType<typeof observeWearableSample>['verdict'] | undefined;
      const context = {
        settings,
        carePlan: resident.carePlan,
        deviceId: device.id,
        profile: device.profile,
        ...(this.deps.noiseControls === false && { noiseControls: false }),
        tracked: (key: string) => state.tracks[key] !== undefined,
      };
      for (const s of samples) {
        await this.deps.stores.vitals.append(resident.id, s);
        const judged = observeWearableSample(memory, s, context);
        if (!memory.risk && judged.memory.risk) firstRisk = { risk: judged.memory.risk.announced, ts: s.ts };
        memory = judged.memory;
        latest = judged.verdict;
        const { riskChange, news2 } = judged.verdict;
        if (riskChange && news2) riskChanges.push({ change: riskChange, news2, ts: s.ts });
        await applyObservations(state.tracks, judged.verdict.observations, target, this.deps.alerts);
      }
      state.memory = memory;
      // Within the subject's turn: the next batch of this resident sees what this one announced.
      await announceRiskChanges(this.deps.stores, resident.facilityId, resident.id, firstRisk, riskChanges, this.log);
      return latest;
    });
    this.deps.vitalsFeed?.publish(resident.facilityId, {
      residentId: resident.id,
      ts: toIso(last.ts),
      ...pick(last, ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp']),
      ...(verdict?.news2 && { news2: verdict.news2 }),
    });
  }

  async event(device: DeviceRecord, e: AcceptedEvent): Promise<void> {
    await this.presence.seen(device, e.ts);
    const resident = await this.residentOf(device);
    if (e.type === 'sos_cancel') {
      // contract §1.2: a cancel before anyone acknowledged resolves the SOS as `cancelled`;
      // after an acknowledgement the responder closes it.
      await this.deps.alerts.closeBySystem(device.facilityId, subjectOf(device, resident), 'sos', 'cancelled', true);
      return;
    }
    const technical = await this.technicalEvent(device, resident, e);
    if (technical) return;
    const judged = judgeDeviceEvent(e.type);
    if (!judged) return;
    await this.deps.alerts.raise({
      ...this.base(device, resident),
      ...judged,
      observedAt: e.ts,
      ...(e.location && { location: e.location }),
      explanation: {
        rule: `device-event.${e.type}@${EVENT_RULE_VERSION}`,
        inputs: { type: e.type, ts: toIso(e.ts), deviceId: device.id },
        condition: judged.condition,
      },
    });
  }

  async telemetry(device: DeviceRecord, t: AcceptedTelemetry): Promise<void> {
    await this.presence.seen(device, t.ts, undefined, messageInterval(device, t.ts, t.ts, 1));
    const settings = await this.settings.get(device.facilityId);
    await this.withSubject(`device:${device.id}`, (state) =>
      applyObservations(
        state.tracks,
        observeSensorReading(t, settings, device.id),
        this.target(device, undefined, settings),
        this.deps.alerts,
      ),
    );
  }

  async status(device: DeviceRecord, status: DeviceStatus, at: number): Promise<void> {
    await this.presence.setState(device, status.state, at);
    const resident = await this.residentOf(device);
    const subject = subjectOf(device, resident);
    if (status.state === 'online') {
      await this.deps.alerts.closeBySystem(device.facilityId, subject, 'device.offline', 'self_cleared', false);
      return;
    }
    // A wearable offline leaves a resident unmonitored; a sensor offline leaves a room unguarded.
    await this.deps.alerts.raise({
      ...this.base(device, resident),
      kind: 'device.offline',
      priority: 'medium',
      title: device.kind === 'wearable' ? 'Wearable offline' : 'Sensor offline',
      observedAt: at,
      explanation: {
        rule: `device-presence.offline@${EVENT_RULE_VERSION}`,
        inputs: { deviceId: device.id, lastSeenAt: device.lastSeenAt ? toIso(device.lastSeenAt) : null },
        condition: 'connection lost without DISCONNECT (MQTT Last Will) or status offline',
      },
    });
  }

  /**
   * Issue 15 item 4: a resident imported from another deployment starts with the baseline learned
   * there, not a blank one that would judge nothing for its warm-up. One learned here already (a
   * record replayed after readings, or an id reused) is the more recent evidence and stays.
   */
  async seedBaseline(residentId: string, baseline: BaselineState): Promise<void> {
    await this.withSubject(`resident:${residentId}`, async (state) => {
      const memory = state.memory ?? newResidentMemory();
      if (memory.baseline === undefined) state.memory = { ...memory, baseline };
    });
  }

  /**
   * Wear and battery events feed the same tracks as `worn` and `battery` in samples, so whichever
   * arrives first raises and the other clears. An explicit event needs no persistence window.
   */
  private async technicalEvent(device: DeviceRecord, resident: Resident | undefined, e: AcceptedEvent) {
    if (!resident || !['wear_off', 'wear_on', 'low_battery'].includes(e.type)) return false;
    const settings = await this.settings.get(resident.facilityId);
    const observation: Observation =
      e.type === 'low_battery'
        ? {
            ...batteryObservation(settings.battery.lowPct, e.ts, settings, device.id),
            point: { ts: e.ts, tier: 1, clear: false },
          }
        : {
            key: 'device.not_worn',
            kind: 'device.not_worn',
            rule: 'device-technical.not_worn',
            spec: runSpec(0, 0, Number.MAX_SAFE_INTEGER),
            point: { ts: e.ts, tier: e.type === 'wear_off' ? 1 : 0, clear: e.type === 'wear_on' },
            priority: { 1: 'low', 2: 'low' },
            describe: () => ({
              title: 'Wearable taken off',
              condition: 'the wearable reports it was taken off (event wear_off); its vital alerts are suspended',
              inputs: { type: e.type, ts: toIso(e.ts), deviceId: device.id },
            }),
          };
    const target = this.target(device, resident, settings);
    await this.withSubject(`resident:${resident.id}`, (state) =>
      applyObservations(state.tracks, [observation], target, this.deps.alerts),
    );
    return true;
  }

  private withSubject<T>(key: string, fn: (state: SubjectState) => Promise<T>): Promise<T> {
    return this.subjects.run(key, fn);
  }

  private async residentOf(device: DeviceRecord): Promise<Resident | undefined> {
    if (!device.residentId) return undefined;
    const r = await this.deps.stores.residents.snapshot(device.residentId);
    if (!r) this.log.warn({ deviceId: device.id, residentId: device.residentId }, 'device bound to unknown resident');
    return r;
  }

  private base(device: DeviceRecord, resident: Resident | undefined): AlertTarget['base'] {
    const zoneId = resident?.zoneId ?? device.zoneId;
    const roomId = resident?.roomId ?? device.roomId;
    return {
      facilityId: device.facilityId,
      ...(resident && { residentId: resident.id }),
      deviceId: device.id,
      ...(zoneId && { zoneId }),
      ...(roomId && { roomId }),
    } satisfies Partial<RaiseInput>;
  }

  private target(device: DeviceRecord, resident: Resident | undefined, settings: RuleSettings): AlertTarget {
    const carePlan = resident?.carePlanVersion ? `/cp${resident.carePlanVersion}` : '';
    return {
      facilityId: device.facilityId,
      subject: subjectOf(device, resident),
      base: this.base(device, resident),
      version: `${settings.version}${carePlan}`,
      now: this.deps.clock.now(),
    };
  }
}

/** The alert subject, computed exactly as the alert store indexes it (one open alert per subject and kind). */
const subjectOf = (device: DeviceRecord, resident: Resident | undefined) =>
  alertSubject({ facilityId: device.facilityId, residentId: resident?.id, deviceId: device.id });

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
