import {
  DEFAULT_PARTITIONS,
  PartitionedResidentMemory,
  PartitionStates,
  partitionOf,
  type UplinkLog,
  type UplinkRecord,
} from '@vigil/engine';
import { exportBundle, importedPoints, loadSpecification } from '@vigil/fhir';
import { createMemoryStores, type ResidentStore, type Stores, type VitalsHistory } from '@vigil/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, seed, startHarness } from './fixtures.ts';

const MIN = 60_000;

/**
 * An import is all or nothing (issue 15 item 4): when a write fails part-way (the history store, the
 * partition log the baseline seed goes through, the resident store), the answer is 503 `unavailable`
 * naming the write, and nothing of the resident remains: not the resident (404, the list unchanged),
 * not the readings already written, not an audit entry; the same import then succeeds as if it were
 * the first. The failures are the stores' and the log's own interfaces rejecting, as they do when Redis
 * goes away under a request.
 */
describe('a resident import that fails part-way leaves nothing behind', () => {
  let h: Harness;
  let stores: Stores;
  let manager: string;
  /** Which write rejects now, and after how many readings the history does. */
  const fault: { history?: number; baseline?: boolean; resident?: boolean } = {};
  /** Readings the history took since the case began. */
  let written = 0;
  const end = Math.floor(Date.now() / MIN) * MIN - 5 * MIN;
  const from = end - 10 * MIN;
  const bundle = exportBundle({
    resident: { id: 'old-7', carePlan: {} },
    devices: [],
    points: Array.from({ length: 10 }, (_, i) => ({ ts: from + i * MIN, hr: 60 + i, spo2: 96 })),
    from,
    to: end,
    stepMs: MIN,
    now: end,
    baselines: { restingHr: { mean: 61, variance: 2.25, firstTs: from - 180 * MIN, lastTs: from, samples: 150 } },
  });
  const readings = importedPoints(bundle).length;
  const arrival = (id: string) => ({
    id,
    bundle,
    facilityId: 'f1',
    zoneId: 'z1',
    roomId: '9',
    name: 'Mrs Lin',
    consent: { caregiver: true, medical: true, manager: true, location: false },
  });
  const residentList = async () =>
    JSON.stringify((await api(h.base, 'GET', '/api/residents', { token: manager })).body);
  /** The baseline seeds the partition log holds for a resident. */
  const seeds = async (residentId: string) => {
    const partition = partitionOf(`resident:${residentId}`, DEFAULT_PARTITIONS);
    const records = await stores.uplinks.read(partition, 'routine', undefined, 1000);
    return records.filter((r) => {
      const rec = r.record as UplinkRecord;
      return rec.kind === 'baseline' && rec.residentId === residentId;
    }).length;
  };

  beforeAll(async () => {
    loadSpecification();
    stores = createMemoryStores();
    await seed(stores);
    const real = stores.vitals;
    const vitals: VitalsHistory = {
      append: (id, p) =>
        fault.history !== undefined && written++ >= fault.history
          ? Promise.reject(new Error('history store down'))
          : real.append(id, p),
      latest: (id) => real.latest(id),
      range: (id, a, b) => real.range(id, a, b),
      erase: (id) => real.erase?.(id) ?? Promise.resolve(),
    };
    const residents: ResidentStore = {
      get: (id) => stores.residents.get(id),
      snapshot: (id) => stores.residents.snapshot(id),
      list: (f) => stores.residents.list(f),
      setConsent: (id, c) => stores.residents.setConsent(id, c),
      setCarePlan: (id, c) => stores.residents.setCarePlan(id, c),
      put: (r) => (fault.resident ? Promise.reject(new Error('resident store down')) : stores.residents.put(r)),
    };
    const log = stores.uplinks as UplinkLog;
    const ruleMemory = new PartitionedResidentMemory({
      states: new PartitionStates(DEFAULT_PARTITIONS),
      owned: () => [],
      checkpoints: stores.checkpoints,
      log: {
        append: (...args: Parameters<UplinkLog['append']>) =>
          fault.baseline ? Promise.reject(new Error('partition log down')) : log.append(...args),
      },
    });
    h = await startHarness({ deps: { stores: { ...stores, vitals, residents }, ruleMemory } });
    manager = await login(h.base, 'manager1');
  }, 60_000);
  afterAll(() => h?.close());

  it.each([
    ['history', { history: 3 }],
    ['baseline', { baseline: true }],
    ['resident', { resident: true }],
  ] as const)('when writing the %s fails: 503 naming it, nothing kept, and the retry succeeds', async (step, f) => {
    const id = `rb-${step}`;
    const before = await residentList();
    written = 0;
    Object.assign(fault, f);
    const res = await api(h.base, 'POST', '/api/residents/import', { token: manager, body: arrival(id) });
    for (const k of ['history', 'baseline', 'resident'] as const) delete fault[k];

    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'unavailable',
      details: { step, rolledBack: true, retryAfterS: expect.any(Number) },
    });
    // Nothing of the resident: not the resident, not the readings written before the failure.
    expect((await api(h.base, 'GET', `/api/residents/${id}`, { token: manager })).status).toBe(404);
    expect(
      (await api(h.base, 'GET', `/api/residents/${id}/vitals?from=${from}&to=${end}`, { token: manager })).status,
    ).toBe(404);
    expect(await residentList()).toBe(before);
    expect(await stores.vitals.range(id, 0, end + MIN)).toEqual([]);
    expect(await stores.vitals.latest(id)).toBeUndefined();
    // A refused seed never reached the log (a seed is only written once the history is in).
    if (step !== 'resident') expect(await seeds(id)).toBe(0);
    const audit = await api(h.base, 'GET', '/api/audit?facilityId=f1', { token: manager });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).not.toContain(id);

    // The same import again: as if the failed one had never been, the readings once each.
    const again = await api(h.base, 'POST', '/api/residents/import', { token: manager, body: arrival(id) });
    expect(again.status).toBe(201);
    expect(again.body.imported).toEqual({ readings, from: 'old-7', baselines: ['hr'] });
    const history = await api(h.base, 'GET', `/api/residents/${id}/vitals?from=${from}&to=${end}`, {
      token: manager,
    });
    expect(history.body.points).toHaveLength(readings);
    expect(await seeds(id)).toBeGreaterThanOrEqual(1);
  });
});
