import { describe, expect, it } from 'vitest';
import { SnapshotCache } from './snapshot-cache.ts';

interface Rec {
  id: string;
  v: number;
  tags?: string[];
}

/** A load the test resolves when it chooses, to interleave it with invalidations. */
function deferredLoads() {
  const started: { id: string; resolve: (r: Rec | undefined) => void }[] = [];
  const load = (id: string) => () =>
    new Promise<Rec | undefined>((resolve) => {
      started.push({ id, resolve });
    });
  return { started, load };
}

describe('SnapshotCache', () => {
  it('caches a load, hands out one deep-frozen value, and shares a load under way', async () => {
    const cache = new SnapshotCache<Rec>(() => true);
    const { started, load } = deferredLoads();
    const first = cache.get('a', load('a'));
    const second = cache.get('a', load('a'));
    expect(started).toHaveLength(1);
    started[0]?.resolve({ id: 'a', v: 1, tags: ['x'] });
    const [x, y] = await Promise.all([first, second]);
    expect(x).toBe(y);
    expect(Object.isFrozen(x)).toBe(true);
    expect(Object.isFrozen(x?.tags)).toBe(true);
    expect(await cache.get('a', load('a'))).toBe(x);
    expect(started).toHaveLength(1);
  });

  it('the race guard: a load an invalidation overtook is handed to its callers but not cached', async () => {
    const cache = new SnapshotCache<Rec>(() => true);
    const { started, load } = deferredLoads();
    const before = cache.get('a', load('a'));
    // The change commits and its invalidation arrives while the read of the old value is under way.
    cache.invalidate('a');
    // A reader after the invalidation does not join the old read.
    const after = cache.get('a', load('a'));
    expect(started).toHaveLength(2);
    started[0]?.resolve({ id: 'a', v: 1 });
    expect((await before)?.v).toBe(1);
    started[1]?.resolve({ id: 'a', v: 2 });
    expect((await after)?.v).toBe(2);
    // The new value was cached, the old one never was.
    expect((await cache.get('a', load('a')))?.v).toBe(2);
    expect(started).toHaveLength(2);
  });

  it('clear: nothing cached survives, nor a load under way', async () => {
    const cache = new SnapshotCache<Rec>(() => true);
    const { started, load } = deferredLoads();
    const p = cache.get('a', load('a'));
    cache.clear();
    started[0]?.resolve({ id: 'a', v: 1 });
    await p;
    expect(cache.size).toBe(0);
  });

  it('caches nothing while not live, and drops what it had', async () => {
    let live = true;
    const cache = new SnapshotCache<Rec>(() => live);
    let loads = 0;
    const load = async () => ({ id: 'a', v: ++loads });
    await cache.get('a', load);
    live = false;
    expect((await cache.get('a', load))?.v).toBe(2);
    expect((await cache.get('a', load))?.v).toBe(3);
    expect(cache.size).toBe(0);
  });

  it('unknown ids are read every time (a device provisioned a moment ago is found at once)', async () => {
    const cache = new SnapshotCache<Rec>(() => true);
    let loads = 0;
    const load = async () => {
      loads++;
      return undefined;
    };
    await cache.get('ghost', load);
    await cache.get('ghost', load);
    expect(loads).toBe(2);
  });

  it('entries expire after the TTL; the least recently used go beyond maxEntries', async () => {
    let now = 0;
    const cache = new SnapshotCache<Rec>(
      () => true,
      { ttlMs: 1000, maxEntries: 2 },
      () => now,
    );
    let loads = 0;
    const load = (id: string) => async () => ({ id, v: ++loads });
    await cache.get('a', load('a'));
    now = 999;
    expect((await cache.get('a', load('a')))?.v).toBe(1);
    now = 1000;
    expect((await cache.get('a', load('a')))?.v).toBe(2);
    await cache.get('b', load('b'));
    await cache.get('a', load('a')); // a is now the most recently used
    await cache.get('c', load('c'));
    expect(cache.size).toBe(2);
    const reads = loads;
    await cache.get('a', load('a'));
    expect(loads).toBe(reads);
    await cache.get('b', load('b'));
    expect(loads).toBe(reads + 1);
  });

  it("update changes a cached record in place of a reload (this process's own touch)", async () => {
    const cache = new SnapshotCache<Rec>(() => true);
    await cache.get('a', async () => ({ id: 'a', v: 1 }));
    cache.update('a', (r) => ({ ...r, v: 5 }));
    cache.update('b', (r) => ({ ...r, v: 5 }));
    const r = await cache.get('a', async () => undefined);
    expect(r).toEqual({ id: 'a', v: 5 });
    expect(Object.isFrozen(r)).toBe(true);
    expect(cache.size).toBe(1);
  });
});
