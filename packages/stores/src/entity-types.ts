import type {
  CarePlan,
  Consent,
  DeviceCounters,
  DeviceKind,
  DeviceProfile,
  DeviceState,
  Facility,
  IngestErrorCode,
  PublicUser,
  Resident,
} from '@vigil/contracts';

/** Facilities, users, residents and devices, and the devices' ingest counters. */

export interface FacilityStore {
  put(facility: Facility): Promise<void>;
  get(id: string): Promise<Facility | undefined>;
  list(): Promise<Facility[]>;
}

/** A user as stored: the public shape plus the argon2id hash of the password. */
export interface UserRecord extends PublicUser {
  passwordHash: string;
}

export interface UserStore {
  /** Creates or replaces; rejects with `ConflictError` when another user already has the username. */
  put(user: UserRecord): Promise<void>;
  get(id: string): Promise<UserRecord | undefined>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  list(filter?: { facilityId?: string }): Promise<UserRecord[]>;
  count(): Promise<number>;
}

export interface ResidentStore {
  put(resident: Resident): Promise<void>;
  get(id: string): Promise<Resident | undefined>;
  /**
   * The resident as it is now, read-only (deep-frozen), for the data path (rules read it for every
   * sample): in memory the stored snapshot itself, never copied per call; on Redis from a process-local
   * cache that every committed change invalidates across processes. `get` for a copy to change.
   */
  snapshot(id: string): Promise<Readonly<Resident> | undefined>;
  list(filter?: { facilityId?: string }): Promise<Resident[]>;
  setConsent(id: string, consent: Consent): Promise<void>;
  /**
   * Replaces the care plan and bumps `carePlanVersion` in one step, leaving consent untouched (a
   * concurrent consent withdrawal must never be overwritten). Undefined for an unknown id.
   */
  setCarePlan(id: string, carePlan: CarePlan): Promise<Resident | undefined>;
}

export interface DeviceRecord {
  id: string;
  kind: DeviceKind;
  /** Wearables: what they measure and how often (contract extension); absent means `wristband`. */
  profile?: DeviceProfile;
  facilityId: string;
  residentId?: string;
  zoneId?: string;
  roomId?: string;
  /**
   * The device secret's stored form (contract §1: stored only as a hash): `hmac-sha256$…` under the
   * server pepper, or `$argon2id$…` from before (rewritten at the device's next connect);
   * packages/auth/src/device-secrets.ts. Never logged.
   */
  secretHash: string;
  state: DeviceState;
  /** Epoch ms of the last accepted message or status change. */
  lastSeenAt?: number;
  battery?: number;
  /**
   * The device's last few intervals between messages (device time, newest last): its own rhythm,
   * which stale-data alarms are judged against (a 1 Hz wristband and a 4-minute one differ).
   */
  recentIntervalsMs?: number[];
  createdAt: number;
}

export interface DeviceStore {
  put(device: DeviceRecord): Promise<void>;
  get(id: string): Promise<DeviceRecord | undefined>;
  /** The device as it is now, read-only, for the data path (see `ResidentStore.snapshot`). */
  snapshot(id: string): Promise<Readonly<DeviceRecord> | undefined>;
  list(filter?: { facilityId?: string; residentId?: string }): Promise<DeviceRecord[]>;
  /**
   * Partial update of the live fields; no-op for an unknown id. On Redis (once per accepted message)
   * buffered and written out within the write-behind interval, visible to this process's reads at once;
   * a change of `state` is written through and reaches every process's `snapshot` at once.
   */
  touch(
    id: string,
    patch: Partial<Pick<DeviceRecord, 'state' | 'lastSeenAt' | 'battery' | 'recentIntervalsMs'>>,
  ): Promise<void>;
  /**
   * Replaces the secret hash only while it is still `expected`, leaving every other field (the live
   * ones included) as it is; false when it was not (re-provisioned meanwhile) or the id is unknown.
   * How a hash in an outdated form is rewritten after a successful verification.
   */
  setSecretHash(id: string, expected: string, secretHash: string): Promise<boolean>;
  /**
   * Forgets every cached snapshot (Redis): this engine took over partitions whose devices' live fields
   * another engine wrote meanwhile. Absent where nothing is cached.
   */
  forgetCached?(): void;
}

/** Per-device ingest counters (contract §1.4, shown by `GET /api/devices/{id}`). */
export interface CounterStore {
  addAccepted(deviceId: string, n: number): Promise<void>;
  addDuplicates(deviceId: string, n: number): Promise<void>;
  addRejected(deviceId: string, code: IngestErrorCode, n?: number): Promise<void>;
  get(deviceId: string): Promise<DeviceCounters>;
}

export class ConflictError extends Error {
  readonly code = 'conflict';
}
