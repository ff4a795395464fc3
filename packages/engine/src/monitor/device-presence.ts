import { toIso } from '@vigil/contracts';
import type { DeviceRecord, Stores } from '@vigil/stores';
import { withInterval } from './device-rhythm.ts';

type DeviceEventType = 'device.online' | 'device.offline' | 'device.updated';

/**
 * Keeps each device's live fields (state, lastSeenAt, battery) and tells the dashboards when they
 * change (contract §2 `device`). Battery changes are announced only in 5 % steps, not per sample.
 */
export class DevicePresence {
  constructor(private readonly stores: Pick<Stores, 'devices' | 'events'>) {}

  /**
   * Data arrived: `at` is the newest device time, `intervalMs` the spacing the message showed
   * (device-rhythm.ts), learned as the device's rhythm for stale-data alarms.
   */
  async seen(device: DeviceRecord, at: number, battery?: number, intervalMs?: number): Promise<void> {
    // Runs for every message: no key listing, and the updated record is built only to announce it.
    const patch: Partial<DeviceRecord> = {};
    let changed = false;
    if (intervalMs !== undefined && intervalMs > 0) {
      patch.recentIntervalsMs = withInterval(device.recentIntervalsMs, intervalMs);
      changed = true;
    }
    if (device.lastSeenAt === undefined || at > device.lastSeenAt) {
      patch.lastSeenAt = at;
      changed = true;
    }
    if (battery !== undefined && battery !== device.battery) {
      patch.battery = battery;
      changed = true;
    }
    const cameOnline = device.state !== 'online' && device.state !== 'decommissioned';
    if (cameOnline) {
      patch.state = 'online';
      changed = true;
    }
    if (!changed) return;
    await this.stores.devices.touch(device.id, patch);
    if (cameOnline) await this.announce({ ...device, ...patch }, 'device.online');
    else if (battery !== undefined && Math.floor(battery / 5) !== Math.floor((device.battery ?? battery) / 5)) {
      await this.announce({ ...device, ...patch }, 'device.updated');
    }
  }

  async setState(device: DeviceRecord, state: 'online' | 'offline', at: number): Promise<void> {
    if (device.state === 'decommissioned') return;
    await this.stores.devices.touch(device.id, { state, lastSeenAt: Math.max(at, device.lastSeenAt ?? 0) });
    if (device.state !== state) await this.announce({ ...device, state, lastSeenAt: at }, `device.${state}`);
  }

  private async announce(d: DeviceRecord, type: DeviceEventType) {
    await this.stores.events.append({
      event: 'device',
      type,
      facilityId: d.facilityId,
      data: {
        deviceId: d.id,
        ...(d.residentId && { residentId: d.residentId }),
        state: d.state,
        ...(d.battery !== undefined && { battery: d.battery }),
        ...(d.lastSeenAt !== undefined && { lastSeenAt: toIso(d.lastSeenAt) }),
      },
    });
  }
}
