import { ManualClock } from '@vigil/runtime';
import { describe, expect, it } from 'vitest';
import { MemorySessionRegistry } from './session-registry.ts';

describe('MemorySessionRegistry', () => {
  it('reports a session as expired once its heartbeat lapses, refreshed by the next one', async () => {
    const clock = new ManualClock();
    const reg = new MemorySessionRegistry(clock);
    await reg.heartbeat('a', 5_000);
    clock.advance(4_000);
    expect(await reg.list()).toEqual([{ clientId: 'a', expiresInMs: 1_000 }]);
    clock.advance(2_000);
    expect(await reg.list()).toEqual([{ clientId: 'a', expiresInMs: -1_000 }]);
    await reg.heartbeat('a', 5_000);
    expect(await reg.list()).toEqual([{ clientId: 'a', expiresInMs: 5_000 }]);
  });

  it('grants one adoption claim per lease; release and remove give it up', async () => {
    const clock = new ManualClock();
    const reg = new MemorySessionRegistry(clock);
    await reg.heartbeat('a', 1);
    expect(await reg.claimAdoption('a', 10_000)).toBe(true);
    expect(await reg.claimAdoption('a', 10_000)).toBe(false);
    clock.advance(10_001);
    expect(await reg.claimAdoption('a', 10_000)).toBe(true);
    await reg.releaseAdoption('a');
    expect(await reg.claimAdoption('a', 10_000)).toBe(true);
    await reg.remove('a');
    expect(await reg.list()).toEqual([]);
    expect(await reg.claimAdoption('a', 10_000)).toBe(true);
  });
});
