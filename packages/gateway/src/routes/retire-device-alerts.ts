import type { AlertKind } from '@vigil/contracts';
import { alertSubject, type DeviceRecord } from '@vigil/stores';
import type { GatewayContext } from '../context.ts';

/** Alerts about a device itself (not about the resident or the room), which nobody can act on once it is retired. */
const DEVICE_ALERT_KINDS: readonly AlertKind[] = [
  'device.offline',
  'device.no_data',
  'device.low_battery',
  'device.not_worn',
];

/**
 * A decommissioned device is out of service: its "offline", "no data", "battery low" and "not worn"
 * alerts describe nothing anyone should go and fix, so they close (`self_cleared`, by the system).
 * Alerts about the resident (an SOS, a fall, vital signs) stay with the carers. Only this device's
 * alerts: another wearable of the same resident keeps its own.
 */
export async function closeRetiredDeviceAlerts(ctx: GatewayContext, device: DeviceRecord): Promise<number> {
  const subject = alertSubject({ facilityId: device.facilityId, residentId: device.residentId, deviceId: device.id });
  let closed = 0;
  for (const kind of DEVICE_ALERT_KINDS) {
    const open = await ctx.stores.alerts.findOpen(device.facilityId, subject, kind);
    if (open?.deviceId !== device.id) continue;
    if (await ctx.alerts.closeBySystem(device.facilityId, subject, kind, 'self_cleared', false)) closed++;
  }
  return closed;
}
