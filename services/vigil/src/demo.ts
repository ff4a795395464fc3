import { type DeviceSecretSettings, hashNewDeviceSecret, hashSecret } from '@vigil/auth';
import { type CarePlan, DEFAULT_CONSENT, type Role } from '@vigil/contracts';
import { newSecret } from '@vigil/runtime';
import type { DeviceSpec } from '@vigil/simulator';
import type { DeviceRecord, Stores } from '@vigil/stores';

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  name: string;
  zoneIds?: string[];
  /** A `resident` account: whose own data it sees and whose consent it sets. */
  residentId?: string;
}

export const DEMO_FACILITY_ID = 'lakeside';

/** Neighbours: whose staff help next when a zone's own are busy (dispatch). */
const ZONES = [
  { id: 'east', name: 'East Wing', neighbours: ['west'] },
  { id: 'west', name: 'West Wing', neighbours: ['east', 'villas'] },
  { id: 'villas', name: 'Garden Villas', neighbours: ['west'] },
];

const NAMES = [
  'Wang Fang',
  'Li Wei',
  'Zhang Min',
  'Liu Yang',
  'Chen Jing',
  'Yang Li',
  'Zhao Lei',
  'Huang Qiang',
  'Zhou Xia',
  'Wu Hong',
  'Xu Ping',
  'Sun Hua',
  'Ma Lan',
  'Zhu Gang',
  'Hu Mei',
  'Guo Jun',
  'He Yun',
  'Lin Tao',
  'Gao Ying',
  'Luo Bin',
  'Zheng Qing',
  'Liang Bo',
  'Xie Hui',
  'Song Ning',
];

/**
 * Demo passwords are fixed so the README can name them; demo mode is for a laptop, never production.
 * They follow the password policy all the same (12 characters or more, not a common password:
 * demo.test.ts checks), so the demo shows what the policy asks.
 */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'manager', password: 'zhou-demo-2026', role: 'manager', name: 'Manager Zhou' },
  {
    username: 'carer.east',
    password: 'east-wing-demo',
    role: 'caregiver',
    name: 'Carer Lin (East)',
    zoneIds: ['east'],
  },
  { username: 'carer.west', password: 'west-wing-demo', role: 'caregiver', name: 'Carer Xu (West)', zoneIds: ['west'] },
  { username: 'carer', password: 'all-zones-demo', role: 'caregiver', name: 'Carer Ma (all zones)' },
  { username: 'doctor', password: 'dr-chen-demo-26', role: 'medical', name: 'Dr. Chen' },
  { username: 'maintenance', password: 'guo-fixes-demo', role: 'maintenance', name: 'Technician Guo' },
  // One account per role (issue 14), so a newcomer can try every board: the admin, and the first
  // resident (res-001) signing in to see their own data and set their consent.
  { username: 'admin.demo', password: 'admin-lakeside-demo', role: 'admin', name: 'Administrator Qian' },
  {
    username: 'resident',
    password: 'grandma-wang-demo',
    role: 'resident',
    name: 'Resident (res-001)',
    residentId: 'res-001',
  },
];

/** A few care plans that differ from the defaults, so per-resident thresholds show on the board. */
/**
 * Care plans of the demo residents: everyone breathes room air unless prescribed otherwise (NEWS2 then
 * scores "air" without waiting for a device to report it).
 */
const CARE_PLANS: Record<number, CarePlan> = {
  // COPD with a prescribed 88–92 % target (NEWS2 scale 2), on room air between exacerbations.
  2: { spo2Scale: 2, onOxygen: false, thresholds: { spo2: { low: 87 } } },
  5: { onOxygen: false, thresholds: { hr: { low: 40 } } }, // on beta blockers
  11: { onOxygen: false, thresholds: { sbp: { high: 170 } } },
};
const ON_AIR: CarePlan = { onOxygen: false };

/**
 * Residents cast in an episode whatever the seed draws, so everyone trying the demo sees each kind
 * of alert within minutes (the others run `SIM_SCENARIO`, `mixed` by default). One per zone where
 * possible, so a zoned caregiver sees some too.
 */
const DEMO_CAST: Record<number, string> = {
  0: 'tachycardia',
  1: 'desaturation',
  3: 'sos',
  5: 'fever',
  7: 'fall',
  8: 'sos',
  10: 'wear_off',
};
const SENSOR_CAST: Record<string, string> = { west: 'water_leak' };

/**
 * Seeds the demo facility (contract §5 `pnpm start`): three zones, `count` residents each wearing a
 * wearable, a water/smoke sensor per zone, and staff accounts. With `cast`, a few devices get a fixed
 * scenario (`DEMO_CAST`).
 */
export async function seedDemo(
  stores: Stores,
  count: number,
  now: number,
  cast = false,
  /** How device secrets are hashed (the deployment's peppers). */
  deviceSecrets?: DeviceSecretSettings,
): Promise<{ devices: DeviceSpec[]; accounts: DemoAccount[] }> {
  const facilityId = DEMO_FACILITY_ID;
  await stores.facilities.put({ id: facilityId, name: 'Lakeside Wellness & Travel-Care Residence', zones: ZONES });

  for (const [i, a] of DEMO_ACCOUNTS.entries()) {
    if (a.residentId && count < 1) continue; // no residents seeded: no resident to sign in as
    await stores.users.put({
      id: `staff-${i + 1}`,
      username: a.username,
      name: a.name,
      role: a.role,
      facilityIds: [facilityId],
      ...(a.zoneIds && { zoneIds: a.zoneIds }),
      ...(a.residentId && { residentId: a.residentId }),
      onDuty: a.role !== 'resident' && a.role !== 'admin',
      passwordHash: await hashSecret(a.password),
    });
  }

  const devices: DeviceSpec[] = [];
  const provision = async (d: Omit<DeviceRecord, 'secretHash' | 'state' | 'createdAt'> & { scenario?: string }) => {
    const { scenario, ...record } = d;
    const secret = newSecret();
    // Hashed like REST provisioning: an HMAC under the pepper bound to the device store (issue 12).
    const secretHash = await hashNewDeviceSecret(deviceSecrets, secret);
    await stores.devices.put({ ...record, secretHash, state: 'provisioned', createdAt: now });
    devices.push({
      deviceId: d.id,
      secret,
      facilityId,
      kind: d.kind,
      ...(d.residentId && { residentId: d.residentId }),
      ...(d.zoneId && { zoneId: d.zoneId }),
      ...(d.roomId && { roomId: d.roomId }),
      ...(scenario && { scenario }),
    });
  };

  for (let i = 0; i < count; i++) {
    const zone = ZONES[i % ZONES.length]!;
    const scenario = cast ? DEMO_CAST[i] : undefined;
    const id = `res-${String(i + 1).padStart(3, '0')}`;
    const roomId = `${zone.id}-${101 + Math.floor(i / ZONES.length)}`;
    await stores.residents.put({
      id,
      facilityId,
      name: NAMES[i % NAMES.length]! + (i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ''),
      zoneId: zone.id,
      roomId,
      carePlan: CARE_PLANS[i] ?? ON_AIR,
      consent: DEFAULT_CONSENT,
    });
    await provision({
      id: `band-${String(i + 1).padStart(3, '0')}`,
      kind: 'wearable',
      facilityId,
      residentId: id,
      zoneId: zone.id,
      roomId,
      ...(scenario && { scenario }),
    });
  }
  for (const zone of ZONES) {
    await provision({
      id: `sensor-${zone.id}`,
      kind: 'sensor',
      facilityId,
      zoneId: zone.id,
      roomId: `${zone.id}-utility`,
      ...(cast && SENSOR_CAST[zone.id] && { scenario: SENSOR_CAST[zone.id] }),
    });
  }
  return { devices, accounts: DEMO_ACCOUNTS };
}
