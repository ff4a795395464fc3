import { ManualClock } from '@vigil/runtime';
import { type Platform, startPlatform } from './harness.ts';

/** The facility manager the SLA and manager-board tests sign in as. */
export const MANAGER = { id: 'boss', username: 'boss', password: 'boss-pass-1234', name: 'Facility Manager' } as const;

export interface ManagedPlatform {
  p: Platform;
  /** The platform's clock: SLA limits pass when a test advances it. */
  clock: ManualClock;
  admin: string;
  /** r1's wearable in f1. */
  device: { residentId: string; deviceId: string; secret: string };
}

/**
 * The platform on a manual clock, provisioned as harness.ts `provision(1)` does (facility f1, the
 * caregiver carer1, resident r1 with a wearable), with the manager of f1 and of `alsoManages` (created
 * here), and carer1 on duty if asked: dispatch gives tasks only to staff on duty.
 */
export async function startWithManager(
  opts: {
    alsoManages?: { id: string; name: string; zones: { id: string; name: string }[] }[];
    carerOnDuty?: boolean;
  } = {},
): Promise<ManagedPlatform> {
  const clock = new ManualClock(Date.now());
  const p = await startPlatform({ clock });
  const { admin, devices } = await p.provision(1);
  const also = opts.alsoManages ?? [];
  for (const f of also) await p.must('POST', '/api/facilities', admin, f);
  await p.must('POST', '/api/users', admin, {
    ...MANAGER,
    role: 'manager',
    facilityIds: ['f1', ...also.map((f) => f.id)],
  });
  if (opts.carerOnDuty) {
    const carer = await p.login('carer1', 'carer-pass-123');
    await p.must('PUT', '/api/users/carer1/duty', carer, { onDuty: true });
  }
  return { p, clock, admin, device: devices[0]! };
}
