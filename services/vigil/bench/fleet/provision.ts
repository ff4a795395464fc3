import type { DeviceCredentials } from './ipc.ts';
import { mapPool } from './pool.ts';
import type { RestClient } from './rest.ts';
import { ADMIN } from './targets/targets.ts';

export const FACILITY = 'f1';
export const CAREGIVER = { username: 'carer1', password: 'bench-carer-pass-123' };

export interface Provisioned {
  devices: (DeviceCredentials & { secret: string; residentId: string })[];
  admin: string;
  caregiver: string;
  seconds: number;
}

/**
 * A facility as an operator would set it up, through the REST API (contract §4): one zone, an on-duty
 * caregiver, and a resident with a wearable per device, `concurrency` requests in flight. It is a phase
 * of its own, timed and reported but outside every measurement: it only has to be done.
 */
export async function provisionFacility(rest: RestClient, count: number, concurrency: number): Promise<Provisioned> {
  const start = performance.now();
  const admin = await rest.login(ADMIN.username, ADMIN.password);
  await rest.call('POST', '/api/facilities', admin, {
    id: FACILITY,
    name: 'Benchmark Facility',
    zones: [{ id: 'z1', name: 'Zone 1' }],
  });
  await rest.call('POST', '/api/users', admin, {
    id: 'carer1',
    ...CAREGIVER,
    name: 'Carer One',
    role: 'caregiver',
    facilityIds: [FACILITY],
  });
  const caregiver = await rest.login(CAREGIVER.username, CAREGIVER.password);
  // On duty, so each SOS also dispatches an on-site check to someone, as in a real shift.
  await rest.call('PUT', '/api/users/carer1/duty', caregiver, { onDuty: true });
  const devices = await mapPool(
    Array.from({ length: count }, (_, index) => index),
    concurrency,
    async (index) => {
      const residentId = `r${index + 1}`;
      await rest.call('POST', '/api/residents', admin, {
        id: residentId,
        facilityId: FACILITY,
        name: `Resident ${index + 1}`,
        zoneId: 'z1',
        roomId: `room-${index + 1}`,
      });
      const d = await rest.call<{ id: string; secret: string }>('POST', '/api/devices', admin, {
        id: `w${index + 1}`,
        facilityId: FACILITY,
        kind: 'wearable',
        residentId,
      });
      return { index, id: d.id, secret: d.secret, residentId };
    },
  );
  return { devices, admin, caregiver, seconds: (performance.now() - start) / 1000 };
}
