import type { VitalsEventData } from '@vigil/contracts';
import type { VitalsFeed } from '@vigil/engine';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { describe, expect, it } from 'vitest';
import {
  createVitalsPublisher,
  relayVitals,
  VITALS_RELAY_INTERVAL_MS,
  VITALS_RELAY_MAX_BATCH,
} from './vitals-relay.ts';

const sample = (residentId: string, hr: number): VitalsEventData => ({
  residentId,
  ts: new Date(1_700_000_000_000 + hr).toISOString(),
  hr,
});

/** Publishes as Redis pub/sub would deliver them: to every listener of the channel. */
function fakeChannel() {
  const published: string[] = [];
  const listeners = new Set<(channel: string, message: string) => void>();
  return {
    published,
    publisher: {
      async publish(channel: string, message: string) {
        published.push(message);
        for (const l of listeners) l(channel, message);
        return 1;
      },
    },
    subscriber: {
      subscribe: async () => 1,
      unsubscribe: async () => 1,
      on: (_: 'message', l: (channel: string, message: string) => void) => listeners.add(l),
      off: (_: 'message', l: (channel: string, message: string) => void) => listeners.delete(l),
    },
    deliver: (message: string) => {
      for (const l of listeners) l('vitals', message);
    },
  };
}

const collector = () => {
  const got: { facilityId: string; data: VitalsEventData }[] = [];
  const feed: VitalsFeed = { publish: (facilityId, data) => void got.push({ facilityId, data }) };
  return { got, feed };
};

describe('live vitals relay', () => {
  it('publishes once per interval, the newest sample of each resident, in the order they came', async () => {
    const clock = new ManualClock();
    const ch = fakeChannel();
    const pub = createVitalsPublisher(ch.publisher, 'vitals', silentLogger(), { clock });
    pub.publish('f1', sample('r1', 70));
    pub.publish('f1', sample('r2', 80));
    pub.publish('f1', sample('r1', 71));
    expect(ch.published).toEqual([]);
    clock.advance(VITALS_RELAY_INTERVAL_MS);
    expect(ch.published.map((m) => JSON.parse(m))).toEqual([
      [
        { facilityId: 'f1', data: sample('r2', 80) },
        { facilityId: 'f1', data: sample('r1', 71) },
      ],
    ]);
    // Nothing gathered: nothing sent; the next sample starts the next interval.
    clock.advance(VITALS_RELAY_INTERVAL_MS * 4);
    pub.publish('f2', sample('r3', 90));
    clock.advance(VITALS_RELAY_INTERVAL_MS - 1);
    expect(ch.published).toHaveLength(1);
    clock.advance(1);
    expect(ch.published).toHaveLength(2);
  });

  it('splits a large interval into messages of at most the batch size, and sends what is gathered on close', () => {
    const clock = new ManualClock();
    const ch = fakeChannel();
    const pub = createVitalsPublisher(ch.publisher, 'vitals', silentLogger(), { clock });
    for (let i = 0; i < VITALS_RELAY_MAX_BATCH + 5; i++) pub.publish('f1', sample(`r${i}`, 60));
    pub.close();
    expect(ch.published.map((m) => JSON.parse(m).length)).toEqual([VITALS_RELAY_MAX_BATCH, 5]);
    clock.advance(VITALS_RELAY_INTERVAL_MS);
    expect(ch.published).toHaveLength(2);
  });

  it('the gateway side takes batches and single messages (rolling upgrade), dropping only what is malformed', async () => {
    const ch = fakeChannel();
    const { got, feed } = collector();
    const stop = await relayVitals(ch.subscriber, 'vitals', feed, silentLogger());
    ch.deliver('not json');
    ch.deliver(JSON.stringify({ facilityId: 'f1' }));
    ch.deliver(JSON.stringify({ facilityId: 'f1', data: sample('r1', 70) }));
    ch.deliver(
      JSON.stringify([
        { facilityId: 'f1', data: sample('r2', 80) },
        { facilityId: '', data: sample('r3', 90) },
        { facilityId: 'f1', data: { ts: 'yesterday' } },
        { facilityId: 'f2', data: sample('r4', 100) },
      ]),
    );
    expect(got).toEqual([
      { facilityId: 'f1', data: sample('r1', 70) },
      { facilityId: 'f1', data: sample('r2', 80) },
      { facilityId: 'f2', data: sample('r4', 100) },
    ]);
    await stop();
    ch.deliver(JSON.stringify({ facilityId: 'f1', data: sample('r1', 70) }));
    expect(got).toHaveLength(3);
  });

  it('end to end: what the engine side publishes reaches the gateway side', async () => {
    const clock = new ManualClock();
    const ch = fakeChannel();
    const { got, feed } = collector();
    await relayVitals(ch.subscriber, 'vitals', feed, silentLogger());
    const pub = createVitalsPublisher(ch.publisher, 'vitals', silentLogger(), { clock });
    pub.publish('f1', sample('r1', 70));
    pub.publish('f1', sample('r1', 72));
    clock.advance(VITALS_RELAY_INTERVAL_MS);
    expect(got).toEqual([{ facilityId: 'f1', data: sample('r1', 72) }]);
  });
});
