import type { AlertKind, DeviceEventType, Priority } from '@vigil/contracts';

export interface EventRuleResult {
  kind: AlertKind;
  priority: Priority;
  title: string;
  condition: string;
}

/**
 * Discrete events that raise an alert at once (no persistence window: a person pressed the button or
 * the device detected a fall). SOS and fall are `high`: immediate response (IEC 60601-1-8).
 * `wear_off` is a technical alarm, `low` (awareness), kept apart from physiological ones (clinical.md).
 */
export function judgeDeviceEvent(type: DeviceEventType): EventRuleResult | undefined {
  switch (type) {
    case 'sos':
      return {
        kind: 'sos',
        priority: 'high',
        title: 'SOS button pressed',
        condition: 'the resident pressed SOS on the wearable (event sos)',
      };
    case 'fall':
      return {
        kind: 'fall',
        priority: 'high',
        title: 'Fall detected',
        condition: 'the wearable detected a fall (event fall)',
      };
    case 'wear_off':
      return {
        kind: 'device.not_worn',
        priority: 'low',
        title: 'Wearable taken off',
        condition: 'the wearable reports it was taken off (event wear_off)',
      };
    case 'low_battery':
      return {
        kind: 'device.low_battery',
        priority: 'low',
        title: 'Wearable battery low',
        condition: 'the wearable reports a low battery (event low_battery)',
      };
    case 'sos_cancel':
    case 'wear_on':
      return undefined;
  }
}
