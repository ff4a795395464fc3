import { describe, expect, it } from 'vitest';
import {
  alertKeys,
  auditKeys,
  collectionKeys,
  deadlineKeys,
  deviceKeys,
  eventLogKeys,
  partitionKeys,
  residentKeys,
  taskKeys,
  userKeys,
  vitalsKeys,
} from './key-layout.ts';
import { taggedName } from './legacy-layout.ts';
import { Keys, LuaScript } from './script.ts';
import { assertOneSlot, CrossSlotError, hashedPart, keySlot } from './slot.ts';

const PREFIXES = ['vigil:', 'lakeside.prod:', 'x'];
/** Ids that would break a naive layout: separators, braces, empty tags, non-ASCII. */
const IDS = ['f1', 'r:1', '{evil}', 'a}b{c', '', 'Ωmega résidence', 'al_01HZX'];
const PARTITIONS = 64;

/** Every group of keys one script or transaction touches together, for one set of ids. */
function groups(keys: Keys, id: string): [string, string[]][] {
  const strings = (o: Record<string, unknown>) => Object.values(o).filter((v): v is string => typeof v === 'string');
  const out: [string, string[]][] = [
    ['facilities', strings(collectionKeys(keys, 'facilities'))],
    ['users', strings(userKeys(keys))],
    ['residents', strings(residentKeys(keys))],
    ['devices', strings(deviceKeys(keys))],
    ['alerts', strings(alertKeys(keys))],
    ['tasks', [...strings(taskKeys(keys)), taskKeys(keys).ofAlert(id)]],
    ['deadlines', strings(deadlineKeys(keys))],
    ['events', strings(eventLogKeys(keys))],
    [
      'audit',
      [...strings(auditKeys(keys, id)), auditKeys(keys, id).ofResident(id), auditKeys(keys, id).ofResident('r2')],
    ],
    ['vitals', strings(vitalsKeys(keys, id))],
  ];
  for (let p = 0; p < PARTITIONS; p++) {
    const k = partitionKeys(keys, p);
    out.push([`partition ${p}`, [...strings(k), k.log('urgent'), k.log('routine')]]);
  }
  return out;
}

describe('the Redis key layout on a cluster', () => {
  it('computes slots as Redis does (CLUSTER KEYSLOT examples of the cluster spec)', () => {
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    expect(keySlot('bar{hash_tag}')).toBe(2515);
    expect(hashedPart('{user1000}.following')).toBe('user1000');
    expect(hashedPart('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashedPart('foo{{bar}}zap')).toBe('{bar');
    expect(hashedPart('foo{bar}{zap}')).toBe('bar');
  });

  it('puts every key of each multi-key operation in one slot, whatever the prefix and ids', () => {
    for (const prefix of PREFIXES) {
      for (const id of IDS) {
        for (const [name, keys] of groups(new Keys(prefix), id)) {
          const slots = new Set(keys.map(keySlot));
          expect({ name, prefix, id, slots: slots.size }).toEqual({ name, prefix, id, slots: 1 });
          // The prefix stays outside the tag: deployments sharing a cluster keep their keys apart.
          for (const k of keys) expect(k.startsWith(`${prefix}{`)).toBe(true);
        }
      }
    }
  });

  it('spreads partitions, facilities and residents over slots instead of one tag for all', () => {
    const keys = new Keys('vigil:');
    const partitions = new Set(Array.from({ length: PARTITIONS }, (_, p) => keySlot(partitionKeys(keys, p).lease)));
    expect(partitions.size).toBeGreaterThan(PARTITIONS / 2);
    const ids = Array.from({ length: 50 }, (_, i) => `id-${i}`);
    expect(new Set(ids.map((id) => keySlot(auditKeys(keys, id).entries))).size).toBeGreaterThan(25);
    expect(new Set(ids.map((id) => keySlot(vitalsKeys(keys, id).history))).size).toBeGreaterThan(25);
  });

  it('refuses a script over keys of several slots before anything is sent', async () => {
    expect(() => assertOneSlot(['vigil:{p1}:lease', 'vigil:{p2}:epoch'], 'test')).toThrow(CrossSlotError);
    const script = new LuaScript('return 1');
    // No client is needed: the check comes first.
    await expect(script.run(undefined as never, ['vigil:{alerts}', 'vigil:alerts:order'])).rejects.toMatchObject({
      code: 'CROSSSLOT',
    });
  });

  it('maps every key name of the untagged layout to the tagged one the stores build now', () => {
    const keys = new Keys('');
    const id = encodeURIComponent('r:1');
    const cases: [old: string, now: string][] = [
      ['alerts', alertKeys(keys).bodies],
      ['alerts:order', alertKeys(keys).order],
      ['alerts:n', alertKeys(keys).counter],
      ['alerts:open-index', alertKeys(keys).openIndex],
      ['alerts:open', alertKeys(keys).openIds],
      ['users:by-username', userKeys(keys).byUsername],
      ['users:username-of', userKeys(keys).usernameOf],
      ['residents:facility', residentKeys(keys).facilityOf],
      ['devices:live', deviceKeys(keys).live],
      ['facilities:order', collectionKeys(keys, 'facilities').order],
      ['tasks', taskKeys(keys).bodies],
      ['tasks:active', taskKeys(keys).active],
      ['tasks:indexed', taskKeys(keys).indexed],
      [`tasks:alert:${id}`, taskKeys(keys).ofAlert('r:1')],
      ['deadlines:due', deadlineKeys(keys).due],
      ['deadlines:claim', deadlineKeys(keys).claims],
      ['events', eventLogKeys(keys).stream],
      ['events:trimmed-through', eventLogKeys(keys).trimmedThrough],
      [`vitals:${id}`, vitalsKeys(keys, 'r:1').history],
      [`vitals:${id}:latest`, vitalsKeys(keys, 'r:1').latest],
      [`audit:f:${id}`, auditKeys(keys, 'r:1').entries],
      [`audit:f:${id}:r:${id}`, auditKeys(keys, 'r:1').ofResident('r:1')],
    ];
    for (const [old, now] of cases) expect([old, taggedName(old)]).toEqual([old, now]);
    // Keys used alone kept their names; tagged ones are never renamed again.
    for (const same of [
      'rule-state',
      'counters:d1',
      'lock:alert',
      'keys:dek:f1:1',
      'audit:n',
      'engines',
      '{p3}:lease',
    ]) {
      expect(taggedName(same)).toBeUndefined();
    }
  });
});
