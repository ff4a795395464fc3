import type { AlertKind } from './alert.ts';

/**
 * The plain name of each alert kind: the title a viewer without consent sees, and
 * what an SLA warning calls the alert ("Heart rate high", never
 * "Heart rate high: 163 bpm"). A Record, so a new kind cannot ship without its plain name.
 */
export const ALERT_KIND_TITLES: Record<AlertKind, string> = {
  'vital.hr_high': 'Heart rate high',
  'vital.hr_low': 'Heart rate low',
  'vital.spo2_low': 'SpO2 low',
  'vital.rr_high': 'Respiratory rate high',
  'vital.rr_low': 'Respiratory rate low',
  'vital.sbp_high': 'Blood pressure high',
  'vital.sbp_low': 'Blood pressure low',
  'vital.temp_high': 'Temperature high',
  'vital.temp_low': 'Temperature low',
  news2: 'NEWS2 alert',
  sos: 'SOS button pressed',
  fall: 'Fall detected',
  'device.offline': 'Wearable offline',
  'device.low_battery': 'Wearable battery low',
  'device.not_worn': 'Wearable not worn',
  'device.wear_conflict': 'Wearable wear sensor in doubt',
  'device.no_data': 'Wearable silent',
  'facility.water_leak': 'Water leak',
  'facility.smoke': 'Smoke',
  'facility.power_loss': 'Power loss',
  'facility.air_temp': 'Room temperature',
  'resident.inactivity': 'No movement',
  'vital.hr_baseline': 'Resting heart rate above baseline',
};
