import type { Keys } from './script.ts';

/**
 * Every group of keys a Redis store touches together (in one script or MULTI), built in one place so
 * test/key-layout.test.ts can check that each group hashes to one Redis Cluster slot. A store takes
 * its keys from here; a new index joins its store's group (same tag), never a key of its own making.
 */

/** A global collection (`OrderedCollection`): body hash, insertion order and its counter, tagged by name. */
export const collectionKeys = (keys: Keys, name: string) => ({
  bodies: keys.tagged(name),
  order: keys.tagged(name, 'order'),
  counter: keys.tagged(name, 'n'),
});

/** Users, and the username index the put script keeps unique in the same step. */
export const userKeys = (keys: Keys) => ({
  ...collectionKeys(keys, 'users'),
  byUsername: keys.tagged('users', 'by-username'),
  usernameOf: keys.tagged('users', 'username-of'),
});

/** Residents, and the resident → facility index that names the DEK of their vitals (read alone). */
export const residentKeys = (keys: Keys) => ({
  ...collectionKeys(keys, 'residents'),
  facilityOf: keys.tagged('residents', 'facility'),
});

/** Devices, with their live fields beside the body. */
export const deviceKeys = (keys: Keys) => ({
  ...collectionKeys(keys, 'devices'),
  live: keys.tagged('devices', 'live'),
});

/** Alerts, with the open index and the open ids the put script keeps in step. */
export const alertKeys = (keys: Keys) => ({
  ...collectionKeys(keys, 'alerts'),
  openIndex: keys.tagged('alerts', 'open-index'),
  openIds: keys.tagged('alerts', 'open'),
});

/** Tasks and their indexes, written in one MULTI. */
export const taskKeys = (keys: Keys) => ({
  bodies: keys.tagged('tasks'),
  active: keys.tagged('tasks', 'active'),
  indexed: keys.tagged('tasks', 'indexed'),
  ofAlert: (alertId: string) => keys.tagged('tasks', 'alert', encodeURIComponent(alertId)),
});

/** Durable deadlines: the claim script moves a deadline across all of them at once. */
export const deadlineKeys = (keys: Keys) => ({
  bodies: keys.tagged('deadlines'),
  due: keys.tagged('deadlines', 'due'),
  attempts: keys.tagged('deadlines', 'attempts'),
  claims: keys.tagged('deadlines', 'claim'),
  order: keys.tagged('deadlines', 'order'),
  counter: keys.tagged('deadlines', 'n'),
});

/** The event log stream and the newest id trimmed from it (appended and replayed together). */
export const eventLogKeys = (keys: Keys) => ({
  stream: keys.tagged('events'),
  trimmedThrough: keys.tagged('events', 'trimmed-through'),
});

/**
 * One facility's audit log: every entry, a resident's entries, the sequence ordering their ties, and
 * the hash chain's record (head, start, trimmed-through).
 */
export const auditKeys = (keys: Keys, facilityId: string) => ({
  entries: keys.facility(facilityId, 'audit'),
  ofResident: (residentId: string) => keys.facility(facilityId, 'audit', 'r', encodeURIComponent(residentId)),
  sequence: keys.facility(facilityId, 'audit', 'n'),
  chain: keys.facility(facilityId, 'audit', 'chain'),
});

/** The facilities with audit entries: one small set across facilities, written on its own. */
export const auditFacilitiesKey = (keys: Keys) => keys.key('audit', 'facilities');

/** One resident's vitals history and latest values, appended together. */
export const vitalsKeys = (keys: Keys, residentId: string) => ({
  history: keys.resident(residentId, 'vitals'),
  latest: keys.resident(residentId, 'vitals', 'latest'),
});

/** One partition: its log lanes, lease, fencing epoch and checkpoint. */
export const partitionKeys = (keys: Keys, partition: number) => ({
  log: (lane: 'urgent' | 'routine') => keys.partition(partition, 'log', lane),
  lease: keys.partition(partition, 'lease'),
  epoch: keys.partition(partition, 'epoch'),
  checkpoint: keys.partition(partition, 'checkpoint'),
});

/** Every version of one facility's dispatch policy, oldest first (issue 14), written on its own. */
export const policyHistoryKey = (keys: Keys, facilityId: string) => keys.facility(facilityId, 'policy-history');
