import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, login, raise, recordingSocket, startHarness } from './fixtures.ts';

/**
 * Issue 13 (LOW): "a malformed `lastEventId` in memory mode replays a subset with `complete: true`".
 * A board that resumes from something the log never issued must not be told it is up to date after a
 * partial replay: it gets nothing replayed and `complete: false` (reload over REST), on the memory
 * stores the gateway tests run on.
 */
let h: Harness;
let token: string;
const open: Socket[] = [];

beforeAll(async () => {
  h = await startHarness();
  token = await login(h.base, 'care1');
  for (const kind of ['fall', 'sos'] as const) await raise(h.alerts, { kind, title: kind });
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(() => h.close());

async function syncAfter(lastEventId: string) {
  const r = recordingSocket(h.base, { token, lastEventId });
  open.push(r.socket);
  const sync = await r.waitFor((e) => e.event === 'sync');
  return { sync: sync.envelope.data, replayedAlerts: r.events.filter((e) => e.event === 'alert').length };
}

describe('resuming from a malformed lastEventId', () => {
  it.each(['abc', '12', '1-x', 'x-1', '-1-0', '1-2-3', '0x10-0', ' 1-0'])(
    '%j replays nothing and says incomplete',
    async (id) => {
      const { sync, replayedAlerts } = await syncAfter(id);
      expect(sync).toMatchObject({ replayed: 0, complete: false });
      expect(replayedAlerts).toBe(0);
    },
  );

  it('a well-formed id still replays what followed it, complete', async () => {
    const { sync, replayedAlerts } = await syncAfter('0-0');
    expect(sync).toMatchObject({ complete: true });
    expect(replayedAlerts).toBeGreaterThanOrEqual(2);
    expect(sync.replayed).toBe(replayedAlerts);
  });
});
