import { type DeviceStatus, toIso } from '@vigil/contracts';
import {
  checkSample,
  effectiveThresholds,
  judgeDeviceEvent,
  judgeSensorReading,
  type ThresholdSet,
  judgeNews2,
  news2FromLatest,
} from '@vigil/rules';
import type { Logger } from '@vigil/runtime';
import type { Resident } from '@vigil/contracts';
import { alertSubject, type DeviceRecord, type Stores } from '@vigil/stores';
import type { AlertService, RaiseInput } from '../alerts/alert-service.ts';
import type { AcceptedEvent, AcceptedSample, AcceptedTelemetry, IngestSink, VitalsFeed } from '../ports.ts';
import { DevicePresence } from './device-presence.ts';

/** Rule ids carry a version so an explanation stays traceable when rules change (issue 3 adds editing). */
const RULE_VERSION = 1;

export interface MonitorDeps {
  stores: Stores;
  alerts: AlertService;
  logger: Logger;
  vitalsFeed?: VitalsFeed;
  /** Facility defaults; per-resident care plans override them. */
  thresholds?: ThresholdSet;
}

/**
 * Judges accepted device data: stores history, applies the rules, raises and clears alerts. It is the
 * ingest's sink (architecture.md: ingest ──▶ engine).
 */
export class Monitor implements IngestSink {
  private readonly presence: DevicePresence;
  private readonly log: Logger;

  constructor(private readonly deps: MonitorDeps) {
    this.presence = new DevicePresence(deps.stores);
    this.log = deps.logger.child({ module: 'monitor' });
  }

  async vitals(device: DeviceRecord, samples: AcceptedSample[]): Promise<void> {
    const last = samples.at(-1);
    if (!last) return;
    await this.presence.seen(device, last.ts, last.battery);
    const resident = await this.residentOf(device);
    if (!resident) return;
    const thresholds = effectiveThresholds(resident.carePlan, this.deps.thresholds);
    for (const s of samples) {
      await this.deps.stores.vitals.append(resident.id, s);
      // A wearable that says it is not on a wrist measures air, not a person: no vital alerts from it
      // (clinical.md inhibition).
      if (s.worn === false) continue;
      for (const b of checkSample(s, thresholds)) {
        await this.raise(device, resident, {
          kind: b.kind,
          priority: b.priority,
          title: b.title,
          observedAt: s.ts,
          explanation: {
            rule: `vital-threshold.${b.vital}_${b.direction}@${RULE_VERSION}`,
            inputs: { [b.vital]: b.value, ts: toIso(s.ts), deviceId: device.id, limits: thresholds[b.vital] },
            condition: b.condition,
          },
        });
      }
    }
    // NEWS2 of the latest fresh readings, evaluated at the device's time (tiles, contract §2; alerts).
    const latest = await this.deps.stores.vitals.latest(resident.id);
    const news2 = latest && news2FromLatest(latest, resident.carePlan, last.ts);
    const judged = news2 && last.worn !== false ? judgeNews2(news2) : undefined;
    if (news2 && judged) {
      await this.raise(device, resident, {
        kind: 'news2',
        priority: judged.priority,
        title: judged.title,
        observedAt: last.ts,
        explanation: {
          rule: `news2@${RULE_VERSION}`,
          inputs: { news2, deviceId: device.id },
          condition: judged.condition,
        },
      });
    }
    this.deps.vitalsFeed?.publish(resident.facilityId, {
      residentId: resident.id,
      ts: toIso(last.ts),
      ...pick(last, ['hr', 'spo2', 'rr', 'sbp', 'dbp', 'temp']),
      ...(news2 && { news2 }),
    });
  }

  async event(device: DeviceRecord, e: AcceptedEvent): Promise<void> {
    await this.presence.seen(device, e.ts);
    const resident = await this.residentOf(device);
    const subject = subjectOf(device, resident);
    if (e.type === 'sos_cancel') {
      // contract §1.2: a cancel before anyone acknowledged resolves the SOS as `cancelled`;
      // after an acknowledgement the responder closes it.
      await this.deps.alerts.closeBySystem(device.facilityId, subject, 'sos', 'cancelled', true);
      return;
    }
    if (e.type === 'wear_on') {
      await this.deps.alerts.closeBySystem(device.facilityId, subject, 'device.not_worn', 'self_cleared', false);
      return;
    }
    const judged = judgeDeviceEvent(e.type);
    if (!judged) return;
    await this.raise(device, resident, {
      ...judged,
      observedAt: e.ts,
      ...(e.location && { location: e.location }),
      explanation: {
        rule: `device-event.${e.type}@${RULE_VERSION}`,
        inputs: { type: e.type, ts: toIso(e.ts), deviceId: device.id },
        condition: judged.condition,
      },
    });
  }

  async telemetry(device: DeviceRecord, t: AcceptedTelemetry): Promise<void> {
    await this.presence.seen(device, t.ts);
    const subject = subjectOf(device, undefined);
    for (const f of judgeSensorReading(t)) {
      if (f.active) {
        await this.raise(device, undefined, {
          kind: f.kind,
          priority: f.priority,
          title: f.title,
          observedAt: t.ts,
          explanation: {
            rule: `facility-sensor.${f.kind.slice('facility.'.length)}@${RULE_VERSION}`,
            inputs: { ...f.input, ts: toIso(t.ts), deviceId: device.id },
            condition: f.condition,
          },
        });
      } else if (f.priority !== 'high') {
        // High-priority alerts latch until a person resolves them; lower ones may self-clear.
        await this.deps.alerts.closeBySystem(device.facilityId, subject, f.kind, 'self_cleared', false);
      }
    }
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
    await this.raise(device, resident, {
      kind: 'device.offline',
      priority: 'medium',
      title: device.kind === 'wearable' ? 'Wearable offline' : 'Sensor offline',
      observedAt: at,
      explanation: {
        rule: `device-presence.offline@${RULE_VERSION}`,
        inputs: { deviceId: device.id, lastSeenAt: device.lastSeenAt ? toIso(device.lastSeenAt) : null },
        condition: 'connection lost without DISCONNECT (MQTT Last Will) or status offline',
      },
    });
  }

  private async residentOf(device: DeviceRecord): Promise<Resident | undefined> {
    if (!device.residentId) return undefined;
    const r = await this.deps.stores.residents.get(device.residentId);
    if (!r) this.log.warn({ deviceId: device.id, residentId: device.residentId }, 'device bound to unknown resident');
    return r;
  }

  private raise(
    device: DeviceRecord,
    resident: Resident | undefined,
    alert: Omit<RaiseInput, 'facilityId' | 'residentId' | 'deviceId' | 'zoneId' | 'roomId'>,
  ) {
    const zoneId = resident?.zoneId ?? device.zoneId;
    const roomId = resident?.roomId ?? device.roomId;
    return this.deps.alerts.raise({
      facilityId: device.facilityId,
      ...(resident && { residentId: resident.id }),
      deviceId: device.id,
      ...(zoneId && { zoneId }),
      ...(roomId && { roomId }),
      ...alert,
    });
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
