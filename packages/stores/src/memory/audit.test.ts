import type { AuditEntry } from '@vigil/contracts';
import { describe, expect, it } from 'vitest';
import { MemoryAuditStore } from './audit.ts';

const entry = (i: number): AuditEntry => ({
  id: `au${i}`,
  at: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
  facilityId: 'f1',
  residentId: 'r1',
  actorId: 'u1',
  actorRole: 'caregiver',
  action: 'vitals.read',
  purpose: 'care',
  outcome: 'allowed',
});

describe('MemoryAuditStore bounds', () => {
  it('keeps at most maxEntries, dropping the oldest appended', async () => {
    const store = new MemoryAuditStore(() => Date.UTC(2026, 0, 2), { maxEntries: 3 });
    for (let i = 0; i < 5; i++) await store.append(entry(i));
    expect((await store.list()).map((e) => e.id)).toEqual(['au4', 'au3', 'au2']);
    expect(await store.verify('f1')).toMatchObject({ ok: true, entries: 3 });
  });

  it('keeps 100,000 entries by default', async () => {
    const store = new MemoryAuditStore(() => Date.UTC(2026, 0, 2));
    for (let i = 0; i < 100_001; i++) await store.append(entry(i));
    const all = await store.list({ limit: 200_000 });
    expect(all).toHaveLength(100_000);
    expect(all.at(-1)?.id).toBe('au1');
    // The chain is checked from the oldest kept entry: the first one, trimmed, is the anchor.
    expect(await store.verify('f1')).toMatchObject({ ok: true, entries: 100_000, anchor: all.at(-1)?.prevHash });
  }, 30_000);
});
