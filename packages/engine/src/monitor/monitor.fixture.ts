import { DEFAULT_CONSENT, type Resident } from '@vigil/contracts';
import type { Clock } from '@vigil/runtime';
import type { DeviceRecord, Stores } from '@vigil/stores';
import { AlertService } from '../alerts/alert-service.ts';
import { RuleSettingsService } from '../rules/rule-settings-service.ts';

/** The resident the monitor's tests watch: facility `f1`, zone `z1`, room `room-1`, no oxygen. */
export const RESIDENT: Resident = {
  id: 'r1',
  facilityId: 'f1',
  name: 'Li Wei',
  zoneId: 'z1',
  roomId: 'room-1',
  carePlan: { onOxygen: false },
  consent: DEFAULT_CONSENT,
};

/** Her wristband `w1`, online unless `over` says otherwise. */
export const wearableOf = (over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  id: 'w1',
  kind: 'wearable',
  facilityId: 'f1',
  residentId: 'r1',
  secretHash: 'x',
  state: 'online',
  createdAt: 0,
  ...over,
});

/** The alert and rule-settings services over `stores`, wired as app.ts wires them. */
export function alertServices(stores: Stores, clock: Clock) {
  return {
    alerts: new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks }),
    ruleSettings: new RuleSettingsService({ store: stores.ruleSettings, clock }),
  };
}
