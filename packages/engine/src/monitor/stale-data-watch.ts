import { type Priority, type RuleSettingsBody, toIso } from '@vigil/contracts';
import { formatDuration, formatSpan } from '@vigil/rules';
import { type Clock, type Logger, repeatAfter } from '@vigil/runtime';
import { alertSubject, type DeviceRecord, type Stores } from '@vigil/stores';
import type { AlertService } from '../alerts/alert-service.ts';
import type { RuleSettingsService } from '../rules/rule-settings-service.ts';
import { usualIntervalMs } from './device-rhythm.ts';

type NoDataLimits = RuleSettingsBody['noData']['wearable'];

/**
 * Silence limits against the device's own rhythm: `missedIntervals` usual intervals to warn, twice
 * that to go urgent, never sooner than the configured floors (a 1 Hz wristband that misses a few
 * seconds is not silent).
 */
export function silenceLimits(device: DeviceRecord, limits: NoDataLimits) {
  const usual = usualIntervalMs(device);
  const expected = (usual ?? 0) * limits.missedIntervals;
  return { warnMs: Math.max(limits.warnMs, expected), urgentMs: Math.max(limits.urgentMs, 2 * expected), usual };
}

export interface StaleDataWatchDeps {
  stores: Pick<Stores, 'devices' | 'residents' | 'alerts' | 'facilities' | 'locks'>;
  alerts: AlertService;
  ruleSettings: RuleSettingsService;
  clock: Clock;
  logger: Logger;
}

/** How often the watch looks; a stale-data alarm is at most this late. */
export const STALE_DATA_SWEEP_MS = 30_000;

/**
 * Stale-data alarms (`device.no_data`, Nightscout's warn and urgent levels per device kind): a
 * connected device that has sent nothing for too long measures nothing, and silence must never look
 * like health. An offline device has its own alert (`device.offline`), so it is not judged here.
 * Driven by the injected clock: `sweep()` is what tests call, `start()` repeats it. Every engine
 * process sweeps; each device is judged under `stale:device:<id>` in `stores.locks`, from the device
 * and its open alert re-read under the lock, so two sweeps never raise or count an episode twice.
 */
export class StaleDataWatch {
  private cancel: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: StaleDataWatchDeps) {
    this.log = deps.logger.child({ module: 'stale-data' });
  }

  start(intervalMs = STALE_DATA_SWEEP_MS): void {
    this.cancel ??= repeatAfter(
      this.deps.clock,
      intervalMs,
      () => this.sweep(),
      (err) => this.log.error({ err }, 'stale-data sweep failed'),
    );
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  async sweep(): Promise<void> {
    for (const facility of await this.deps.stores.facilities.list()) {
      const settings = await this.deps.ruleSettings.get(facility.id);
      for (const device of await this.deps.stores.devices.list({ facilityId: facility.id })) {
        await this.deps.stores.locks.run(`stale:device:${device.id}`, async () => {
          const fresh = await this.deps.stores.devices.get(device.id);
          // The time under the lock too: a sweep that waited must not judge by an older instant.
          if (fresh) await this.judge(fresh, this.deps.clock.now(), settings.noData[fresh.kind], settings.version);
        });
      }
    }
  }

  private async judge(device: DeviceRecord, now: number, limits: NoDataLimits, version: number) {
    const { warnMs, urgentMs, usual } = silenceLimits(device, limits);
    const subject = alertSubject({ facilityId: device.facilityId, residentId: device.residentId, deviceId: device.id });
    const judged = device.state === 'online' && device.lastSeenAt !== undefined;
    const age = judged ? now - (device.lastSeenAt as number) : 0;
    const open = await this.deps.stores.alerts.findOpen(device.facilityId, subject, 'device.no_data');
    if (age < warnMs) {
      if (open) await this.deps.alerts.conditionCleared(device.facilityId, subject, 'device.no_data', now);
      return;
    }
    // Warn: awareness; urgent: prompt response (IEC 60601-1-8 low / medium).
    const priority: Priority = age >= urgentMs ? 'medium' : 'low';
    if (open && (open.priority === priority || open.priority === 'medium')) return;
    const resident = device.residentId ? await this.deps.stores.residents.get(device.residentId) : undefined;
    const zoneId = resident?.zoneId ?? device.zoneId;
    const roomId = resident?.roomId ?? device.roomId;
    const limit = priority === 'medium' ? urgentMs : warnMs;
    await this.deps.alerts.raise(
      {
        facilityId: device.facilityId,
        ...(device.residentId && { residentId: device.residentId }),
        deviceId: device.id,
        ...(zoneId && { zoneId }),
        ...(roomId && { roomId }),
        kind: 'device.no_data',
        priority,
        title: `${device.kind === 'wearable' ? 'Wearable' : 'Sensor'} silent for ${formatDuration(Math.max(1, Math.floor(age / 60_000)) * 60_000)}`,
        observedAt: now,
        conditionHolds: true,
        explanation: {
          rule: `device-technical.no_data@${version}`,
          inputs: {
            deviceId: device.id,
            lastSeenAt: toIso(device.lastSeenAt as number),
            ageMs: age,
            ...(usual !== undefined && { usualIntervalMs: usual }),
          },
          condition: `connected but no data for ${formatSpan(limit)}${usual !== undefined ? ` (${limits.missedIntervals * (priority === 'medium' ? 2 : 1)} of its usual ${formatSpan(usual)} intervals)` : ''}: ${priority === 'medium' ? 'urgent' : 'warning'} level for a ${device.kind}`,
        },
      },
      { escalation: open !== undefined },
    );
  }
}
