import { z } from 'zod';
import { Id, IsoTime, WireTime } from './ids.ts';
import { Role } from './roles.ts';
import { AlertState, ResolveOutcome } from './alert.ts';
import { TaskState } from './task.ts';
import { DeviceState } from './socket.ts';
import { CriticalLimits, THRESHOLD_VITALS } from './rule-settings.ts';
import { perVital } from './vitals.ts';

/** Error codes of REST responses `{ error: { code, message } }` (contract §4). */
export const API_ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'illegal_state',
  'rate_limited',
  'payload_too_large',
  'internal',
  /** Extension: a part the request needs (e.g. the external MQTT broker) is not reachable; 503. */
  'unavailable',
  /**
   * Extension: too much password work in progress (issue 13: argon2id runs behind a bounded gate); 503
   * with Retry-After. Nothing was checked: try again, it is not a wrong password.
   */
  'busy',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
export const ApiErrorBody = z.object({
  error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export const LoginRequest = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) });
export const SessionUser = z.object({
  id: Id,
  role: Role,
  facilityIds: z.array(Id),
  name: z.string().optional(),
  zoneIds: z.array(Id).optional(),
  residentId: Id.optional(),
  /** Extension: whether the dispatcher may give this user tasks now (`PUT /api/users/{id}/duty`). */
  onDuty: z.boolean().optional(),
});
export type SessionUser = z.infer<typeof SessionUser>;
export const LoginResponse = z.object({ token: z.string(), expiresAt: IsoTime, user: SessionUser });
export type LoginResponse = z.infer<typeof LoginResponse>;

/** `neighbours`: zones whose staff cover this one next when nobody here is free (dispatch). */
export const Zone = z.object({ id: Id, name: z.string().min(1).max(200), neighbours: z.array(Id).max(50).optional() });
export const CreateFacilityRequest = z.object({
  id: Id.optional(),
  name: z.string().min(1).max(200),
  zones: z.array(Zone).max(500).default([]),
});
export type CreateFacilityRequest = z.infer<typeof CreateFacilityRequest>;
export const Facility = z.object({ id: Id, name: z.string(), zones: z.array(Zone) });
export type Facility = z.infer<typeof Facility>;

export const CreateUserRequest = z.object({
  id: Id.optional(),
  username: z.string().min(1).max(128),
  password: z.string().min(8).max(256),
  name: z.string().min(1).max(200),
  role: Role,
  facilityIds: z.array(Id).max(100),
  zoneIds: z.array(Id).max(500).optional(),
  residentId: Id.optional(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;
/** A user as the API shows it: never the password hash. */
export const PublicUser = z.object({
  id: Id,
  username: z.string(),
  name: z.string(),
  role: Role,
  facilityIds: z.array(Id),
  zoneIds: z.array(Id).optional(),
  residentId: Id.optional(),
  onDuty: z.boolean(),
  /**
   * Extension (issue 13): a clinical account (caregiver, medical) a manager created; it cannot sign
   * in, nor be put on duty, until an admin approves it (`POST /api/users/{id}/approve`). Otherwise a
   * manager could make themself a clinical login and read what residents never consented to show
   * managers (docs/security.md "Accounts").
   */
  pendingApproval: z.literal(true).optional(),
  /** Extension: who created the account, and (for one that awaited approval) which admin approved it. */
  createdBy: Id.optional(),
  approvedBy: Id.optional(),
  /** A disabled account cannot sign in; its tokens and sockets were ended (`PATCH /api/users/{id}`). */
  disabled: z.literal(true).optional(),
});
export type PublicUser = z.infer<typeof PublicUser>;
/**
 * `PATCH /api/users/{id}` (contract §4.1): the fields named change; `password` is a reset (every token
 * of the user is revoked), `disabled: true` revokes them too and disconnects their sockets.
 */
export const UpdateUserRequest = z
  .object({
    name: z.string().min(1).max(200).optional(),
    zoneIds: z.array(Id).max(500).optional(),
    password: z.string().min(1).max(256).optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;
export const DutyRequest = z.object({ onDuty: z.boolean() });

/** Per-vital threshold overrides in a care plan; absent limits use facility defaults. */
const Limits = z
  .object({
    low: z.number().optional(),
    high: z.number().optional(),
    criticalLow: z.number().optional(),
    criticalHigh: z.number().optional(),
  })
  .strict();
export const ThresholdOverrides = z
  .object(perVital(THRESHOLD_VITALS, () => Limits))
  .partial()
  .strict();
export type ThresholdOverrides = z.infer<typeof ThresholdOverrides>;
/**
 * A resident's care plan (contract §4.1 `carePlan`): what differs from the facility's rules for this
 * person. Set at creation or with `PUT /api/residents/{id}/care-plan`, which bumps `carePlanVersion`.
 */
export const CarePlan = z
  .object({
    thresholds: ThresholdOverrides.optional(),
    /** NEWS2 SpO2 scale 2 only for a prescribed 88–92 % target (clinical.md). */
    spo2Scale: z.union([z.literal(1), z.literal(2)]).optional(),
    onOxygen: z.boolean().optional(),
    /** Own waking hours and inactivity limit (an early riser, a resident who naps after lunch). */
    inactivity: z
      .object({
        enabled: z.boolean(),
        wakeFrom: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        wakeTo: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        afterMs: z
          .number()
          .int()
          .min(15 * 60_000)
          .max(24 * 3_600_000),
      })
      .partial()
      .strict()
      .optional(),
    /**
     * Own critical limits (clinical.md "Critical limits, overridable per care plan"), e.g. a
     * resident whose resting pulse is 38 under beta blockers.
     */
    criticalLimits: CriticalLimits.partial().optional(),
    /** Turn the personal-baseline rule off, e.g. for a resident on rate-changing medication. */
    baseline: z.object({ enabled: z.boolean() }).strict().optional(),
  })
  .strict();
export type CarePlan = z.infer<typeof CarePlan>;

export const CreateResidentRequest = z.object({
  id: Id.optional(),
  facilityId: Id,
  name: z.string().min(1).max(200),
  zoneId: Id,
  roomId: Id,
  carePlan: CarePlan.optional(),
});
export type CreateResidentRequest = z.infer<typeof CreateResidentRequest>;

/**
 * `POST /api/residents/{id}/transfer` (contract §4.1): the resident moves to another facility of the
 * deployment; `devices` says what becomes of their wearables. Extension: `zoneId` and `roomId` place
 * the resident in the new facility (default: the same ids, which the new facility must then have).
 */
export const TransferResidentRequest = z.object({
  toFacilityId: Id,
  devices: z.enum(['rebind', 'decommission']),
  zoneId: Id.optional(),
  roomId: Id.optional(),
});
export type TransferResidentRequest = z.infer<typeof TransferResidentRequest>;

/** Consent (contract §4.3): defaults caregiver and medical true, manager and location false. */
export const Consent = z.object({
  caregiver: z.boolean(),
  medical: z.boolean(),
  manager: z.boolean(),
  location: z.boolean(),
});
export type Consent = z.infer<typeof Consent>;
export const DEFAULT_CONSENT: Consent = { caregiver: true, medical: true, manager: false, location: false };
export const ConsentRequest = Consent.partial();

/**
 * `POST /api/residents/import` (contract §4.1, issue 15): a resident arriving from another deployment,
 * with the FHIR R4 Bundle its `GET /api/residents/{id}/fhir` exported. Extension: `name` (the exported
 * Patient is pseudonymous), `consent` given explicitly (it is the resident's, never assumed), `id`
 * (default: the Patient's Vigil identifier if free here, else a new one). The bundle is checked against
 * the FHIR R4 specification by the route, not here.
 */
export const ImportResidentRequest = z.object({
  bundle: z.looseObject({ resourceType: z.literal('Bundle') }),
  id: Id.optional(),
  facilityId: Id,
  name: z.string().min(1).max(200),
  zoneId: Id,
  roomId: Id,
  carePlan: CarePlan.optional(),
  consent: Consent,
});
export type ImportResidentRequest = z.infer<typeof ImportResidentRequest>;

export const Resident = z.object({
  id: Id,
  facilityId: Id,
  name: z.string(),
  zoneId: Id,
  roomId: Id,
  carePlan: CarePlan,
  /** Bumped on every care-plan change; alert explanations name it (`…@3/cp2`). */
  carePlanVersion: z.number().int().positive().optional(),
  consent: Consent,
});
export type Resident = z.infer<typeof Resident>;

export const DeviceKind = z.enum(['wearable', 'sensor']);
export type DeviceKind = z.infer<typeof DeviceKind>;
/**
 * What a wearable measures and how (docs/clinical-rules.md "Device profiles"): a `wristband` streams
 * pulse, SpO2, respiration and skin temperature; a `cuff` takes spot readings of blood pressure and
 * pulse; a `thermometer` spot temperatures. The profile sets each vital's freshness window and
 * whether its readings are a stream or spot readings. Wearables default to `wristband`.
 */
export const DeviceProfile = z.enum(['wristband', 'cuff', 'thermometer']);
export type DeviceProfile = z.infer<typeof DeviceProfile>;
export const CreateDeviceRequest = z.object({
  id: Id.optional(),
  facilityId: Id,
  kind: DeviceKind,
  /** Wearables only (400 for a sensor); default `wristband`. */
  profile: DeviceProfile.optional(),
  residentId: Id.optional(),
  zoneId: Id.optional(),
  roomId: Id.optional(),
});
export type CreateDeviceRequest = z.infer<typeof CreateDeviceRequest>;
export const CreateDeviceResponse = z.object({ id: Id, secret: z.string() });

export const DeviceCounters = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.record(z.string(), z.number().int()),
});
export type DeviceCounters = z.infer<typeof DeviceCounters>;
export const DeviceDetail = z.object({
  id: Id,
  kind: DeviceKind,
  profile: DeviceProfile.optional(),
  facilityId: Id,
  residentId: Id.optional(),
  zoneId: Id.optional(),
  roomId: Id.optional(),
  state: DeviceState,
  lastSeenAt: IsoTime.nullable(),
  battery: z.number().optional(),
  counters: DeviceCounters,
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

export const AlertQuery = z.object({
  state: z.union([AlertState, z.literal('open')]).optional(),
  facilityId: Id.optional(),
  residentId: Id.optional(),
});
export const ResolveAlertRequest = z.object({ outcome: ResolveOutcome, note: z.string().max(2000).optional() });
export const AckAlertRequest = z.object({ note: z.string().max(2000).optional() }).optional();

export const TaskQuery = z.object({ state: TaskState.optional(), assignee: z.literal('me').optional() });
export const TimeRangeQuery = z.object({
  facilityId: Id.optional(),
  from: WireTime.optional(),
  to: WireTime.optional(),
});
