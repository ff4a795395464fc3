import type { Alert, Role, Task } from '@vigil/contracts';
import { type Harness, type Json, login } from './fixtures.ts';

/**
 * The world of the access matrix (issue 13 "action scope = read scope"): every role, three places
 * (the zoned caregiver's zone, another zone of the same facility, another facility) and the
 * resident's consent on or off. Each (place, consent) has its own resident, with a device, an alert
 * and a task; action rows get fresh objects per case so one case never changes another's.
 */
export const MATRIX_ROLES = [
  'admin',
  'manager',
  'caregiver',
  'caregiverZoned',
  'medical',
  'resident',
  'maintenance',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export const PLACES = ['inZone', 'outOfZone', 'otherFacility'] as const;
export type Place = (typeof PLACES)[number];
export const CONSENTS = ['on', 'off'] as const;
export type ConsentState = (typeof CONSENTS)[number];

/** The zoned caregiver (care1z2) covers z2 of f1. */
const WHERE: Record<Place, { facilityId: string; zoneId: string }> = {
  inZone: { facilityId: 'f1', zoneId: 'z2' },
  outOfZone: { facilityId: 'f1', zoneId: 'z1' },
  otherFacility: { facilityId: 'f2', zoneId: 'z1' },
};
export const facilityOf = (place: Place) => WHERE[place].facilityId;
export const residentOf = (place: Place, consent: ConsentState) => `mx-${place}-${consent}`;

/** Who plays each role; the resident account is the one of the in-zone resident of that consent. */
const USER_OF: Record<Exclude<MatrixRole, 'resident'>, string> = {
  admin: 'admin',
  manager: 'manager1',
  caregiver: 'care1',
  caregiverZoned: 'care1z2',
  medical: 'medical1',
  maintenance: 'mx-maint',
};
export const userIdOf = (role: MatrixRole, consent: ConsentState) =>
  role === 'resident' ? `mx-res-${consent}` : USER_OF[role];
const CONTRACT_ROLE: Record<MatrixRole, Role> = {
  admin: 'admin',
  manager: 'manager',
  caregiver: 'caregiver',
  caregiverZoned: 'caregiver',
  medical: 'medical',
  resident: 'resident',
  maintenance: 'maintenance',
};

export interface Case {
  role: MatrixRole;
  /** The contract role of the user playing `role`. */
  is: Role;
  place: Place;
  consent: ConsentState;
  token: string;
  w: World;
}

/** What one request must come to: the access layer's answer, then what the body shows. */
export type Expect = 'hidden' | 'forbidden' | 'ok' | 'shown' | 'withheld' | 'absent';

// The facts each expectation is built from: the same questions contract §4.2 and §4.3 ask.
const otherFacility = (c: Case) => c.place === 'otherFacility' && c.is !== 'admin';
const zonedOut = (c: Case) => c.role === 'caregiverZoned' && c.place === 'outOfZone';
const ownResident = (c: Case) => c.is === 'resident' && c.place === 'inZone';
/** The resident's consent covers this role (the resident always sees their own; maintenance never). */
export const consentCovers = (c: Case) =>
  c.is === 'resident' ? ownResident(c) : c.is !== 'maintenance' && c.consent === 'on';
/** Vitals, reports and care plans: consent, and a zoned caregiver's zones. */
export const vitalsCovers = (c: Case) => consentCovers(c) && !zonedOut(c);
export const alertInView = (c: Case) => (c.is === 'resident' ? ownResident(c) : c.is !== 'maintenance' && !zonedOut(c));
/**
 * A facility alert (a water leak in the place's zone, no resident): every member of staff of the
 * facility and maintenance see it, a zoned caregiver only in their zones, a resident never.
 */
export const facilityAlertInView = (c: Case) => c.is !== 'resident' && !zonedOut(c);
/**
 * The case's task (`taskFor`): an unassigned `remote_consult` for medical staff, which is of their
 * role wherever it is; an unassigned `onsite_check` of the place's zone for everyone else.
 */
export const taskInView = (c: Case) =>
  c.is === 'admin' || c.is === 'manager' || c.is === 'medical' || (c.is === 'caregiver' && !zonedOut(c));
/** Which kind of task a case acts on. */
export const taskKindFor = (c: Case) => (c.is === 'medical' ? 'remote_consult' : 'onsite_check');
export const residentInView = (c: Case) => (c.is === 'resident' ? ownResident(c) : c.is !== 'maintenance');

interface Gate {
  view?: (c: Case) => boolean;
  roles?: readonly Role[];
  /** Refused (403) unless this holds: consent, or a rule of the route. */
  requires?: (c: Case) => boolean;
  /** The answer passes, with health content only when this holds. */
  redacts?: (c: Case) => boolean;
  /** Creations and facility-wide reads: the place decides nothing. */
  placeless?: boolean;
}

/** Objects reached by id: another facility 404, then outside the view 403, then role, then consent. */
export function gate(c: Case, g: Gate): Expect {
  if (!g.placeless && otherFacility(c)) return 'hidden';
  if (g.view && !g.view(c)) return 'forbidden';
  if (g.roles && !g.roles.includes(c.is)) return 'forbidden';
  if (g.requires && !g.requires(c)) return 'forbidden';
  if (g.redacts) return g.redacts(c) ? 'shown' : 'withheld';
  return 'ok';
}

/**
 * Lists: the role first (403), then the case's object is listed or absent (the list is filtered by
 * the same scope), with or without its health content. `byFacility`: the list names the place's
 * facility in its query, so another facility is 404.
 */
export function listGate(c: Case, g: Gate & { byFacility?: boolean }): Expect {
  if (g.roles && !g.roles.includes(c.is)) return 'forbidden';
  if (otherFacility(c)) return g.byFacility ? 'hidden' : 'absent';
  if (g.view && !g.view(c)) return 'absent';
  if (g.redacts) return g.redacts(c) ? 'shown' : 'withheld';
  return 'ok';
}

let serial = 0;
const next = (prefix: string) => `${prefix}-${++serial}`;
const iso = (ms = Date.now()) => new Date(ms).toISOString();

export class World {
  readonly tokens = new Map<string, string>();
  constructor(readonly h: Harness) {}

  async build(): Promise<void> {
    const { stores } = this.h;
    for (const place of PLACES) {
      for (const consent of CONSENTS) {
        const on = consent === 'on';
        const id = residentOf(place, consent);
        await stores.residents.put({
          id,
          ...WHERE[place],
          name: `Resident ${id}`,
          roomId: '1',
          carePlan: { onOxygen: true },
          consent: { caregiver: on, medical: on, manager: on, location: on },
        });
        const fixed = this.fixed(place, consent);
        await this.device(place, consent, fixed.device);
        await this.alert(place, consent, fixed.alert);
        await this.task(place, consent, fixed.task);
        await this.task(place, consent, fixed.consult, 'remote_consult');
      }
      await stores.users.put(this.staff(`mx-duty-${place}`, 'caregiver', facilityOf(place)));
    }
    const hash = (await stores.users.get('admin'))?.passwordHash ?? '';
    await stores.users.put({ ...this.staff('mx-maint', 'maintenance', 'f1'), passwordHash: hash });
    for (const consent of CONSENTS) {
      const resident = residentOf('inZone', consent);
      await stores.users.put({
        ...this.staff(`mx-res-${consent}`, 'resident', 'f1'),
        residentId: resident,
        passwordHash: hash,
      });
    }
    for (const role of MATRIX_ROLES) {
      for (const consent of CONSENTS) {
        const id = userIdOf(role, consent);
        if (!this.tokens.has(id)) this.tokens.set(id, await login(this.h.base, id));
      }
    }
  }

  caseOf(role: MatrixRole, place: Place, consent: ConsentState): Case {
    return {
      role,
      is: CONTRACT_ROLE[role],
      place,
      consent,
      token: this.tokens.get(userIdOf(role, consent)) ?? '',
      w: this,
    };
  }

  staff(id: string, role: Role, facilityId: string) {
    return { id, username: id, name: id, role, facilityIds: [facilityId], onDuty: false, passwordHash: 'unused' };
  }

  /** A wearable of the place's resident; `id` fixed for reads, fresh for decommissioning. */
  async device(place: Place, consent: ConsentState, id = next('mx-fresh-dev')): Promise<string> {
    await this.h.stores.devices.put({
      id,
      kind: 'wearable',
      profile: 'wristband',
      ...WHERE[place],
      residentId: residentOf(place, consent),
      secretHash: 'unused',
      state: 'provisioned',
      createdAt: Date.now(),
    });
    return id;
  }

  /** An active `Heart rate high: 163 bpm` alert about the place's resident. */
  async alert(place: Place, consent: ConsentState, id = next('mx-fresh-al')): Promise<string> {
    const alert: Alert = {
      id,
      ...WHERE[place],
      residentId: residentOf(place, consent),
      kind: 'vital.hr_high',
      priority: 'medium',
      state: 'active',
      title: 'Heart rate high: 163 bpm',
      explanation: { rule: 'vital.hr_high', inputs: { hr: 163 }, condition: 'Heart rate ≥ 120 bpm' },
      location: { lat: 30.27, lon: 120.16 },
      raisedAt: iso(),
      lastSeenAt: iso(),
      occurrences: 1,
      escalationLevel: 0,
    };
    await this.h.stores.alerts.put(alert);
    return alert.id;
  }

  /** An active water-leak alert of a room in the place's zone: about the facility, not a resident. */
  async facilityAlert(place: Place, id = next('mx-fresh-fal')): Promise<string> {
    const alert: Alert = {
      id,
      ...WHERE[place],
      roomId: 'r-utility',
      kind: 'facility.water_leak',
      priority: 'medium',
      state: 'active',
      title: 'Water leak',
      explanation: { rule: 'facility.water_leak', inputs: { leak: true }, condition: 'Leak sensor wet' },
      raisedAt: iso(),
      lastSeenAt: iso(),
      occurrences: 1,
      escalationLevel: 0,
    };
    await this.h.stores.alerts.put(alert);
    return alert.id;
  }

  /** An open, unassigned `onsite_check` of the place's zone, its context holding a reading. */
  async task(
    place: Place,
    consent: ConsentState,
    id = next('mx-fresh-tk'),
    kind: 'onsite_check' | 'remote_consult' = 'onsite_check',
  ): Promise<string> {
    const task: Task = {
      id,
      ...WHERE[place],
      kind,
      role: kind === 'remote_consult' ? 'medical' : 'caregiver',
      priority: 'medium',
      state: 'open',
      residentId: residentOf(place, consent),
      createdAt: iso(),
      acceptBy: iso(Date.now() + 600_000),
      completeBy: iso(Date.now() + 3_600_000),
      escalationLevel: 0,
      context: { latest: { hr: 163 } },
    };
    await this.h.stores.tasks.put(task);
    return task.id;
  }

  /** A caregiver account a manager created, waiting for approval. */
  async pendingUser(place: Place): Promise<string> {
    const id = next('mx-pending');
    await this.h.stores.users.put({ ...this.staff(id, 'caregiver', facilityOf(place)), pendingApproval: true });
    return id;
  }

  /** The fixed objects of a (place, consent), which read rows look at and never change. */
  fixed(place: Place, consent: ConsentState) {
    const key = `${place}-${consent}`;
    return {
      resident: residentOf(place, consent),
      device: `mx-dev-${key}`,
      alert: `mx-al-${key}`,
      task: `mx-tk-${key}`,
      consult: `mx-ctk-${key}`,
    };
  }
}

/** The fixed task a case reads: the consult for medical staff, the on-site check for the others. */
export const taskFor = (c: Case) => {
  const f = c.w.fixed(c.place, c.consent);
  return c.is === 'medical' ? f.consult : f.task;
};

/**
 * Location follows the location consent and the viewer's role's consent (contract §1.2, §4.2, §4.3;
 * emergency access aside, which these medium alerts never open): here every consent is on or every
 * one off, so an alert that is shown carries it exactly when the consent is on. Undefined: nothing to judge.
 */
export function locationProblem(alert: Json, consent: ConsentState): string | undefined {
  const has = alert?.location !== undefined;
  if (has === (consent === 'on')) return undefined;
  return has ? 'location shown without consent' : 'location missing under consent';
}

/** Health content in an answer: the 163 bpm reading or the care plan. */
export const alertShowsHealth = (a: Json) => !a.healthWithheld && String(a.title).includes('163');
export const taskShowsHealth = (t: Json) => t.context !== undefined;
export const residentShowsHealth = (r: Json) => r.carePlan !== undefined;
