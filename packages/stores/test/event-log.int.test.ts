import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../src/index.ts';
import type { Alert } from '@vigil/contracts';

describe('MemoryEventLog retention', () => {
  it('reports an incomplete replay when the id is older than retention', async () => {
    let now = 0;
    const log = new MemoryEventLog(() => now, 1_000);
    const data = { id: 'a' } as unknown as Alert;
    const first = await log.append({ event: 'alert', type: 'alert.raised', facilityId: 'f1', data });
    const second = await log.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data });
    now = 5_000;
    await log.append({ event: 'alert', type: 'alert.updated', facilityId: 'f1', data });
    // `second` was trimmed, so a client that saw only `first` missed it.
    const r = await log.readAfter(first.envelope.id);
    expect(r.complete).toBe(false);
    expect(r.events).toHaveLength(1);
    // A client that saw the newest trimmed event missed nothing.
    expect((await log.readAfter(second.envelope.id)).complete).toBe(true);
    expect((await log.readAfter('0-0')).complete).toBe(false);
    const latest = await log.readAfter('5000-0');
    expect(latest).toEqual({ events: [], complete: true });
  });
});
