import type { Rng } from '../rng.ts';
import { HOUR_MS, type MalformedKind } from '../types.ts';
import type { WearableScenario } from './types.ts';

/** Every kind of bad input of contract §1.4, in the order the scenario cycles through them. */
export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'invalid_json',
  'hr_out_of_range',
  'missing_ts',
  'ts_in_future',
  'string_numbers',
  'oversize_batch',
  'ts_too_old',
  'payload_too_large',
];

/** Builds the wire text of one bad message, for a device whose clock reads `atMs`. */
export function malformedPayload(kind: MalformedKind, atMs: number, rng: Rng): string {
  switch (kind) {
    case 'invalid_json':
      return rng.pick([`{"ts":${atMs},"hr":72,"spo2":`, 'hr=72;spo2=97', '\u0000\u00ff garbage', `{'ts':${atMs}}`]);
    case 'hr_out_of_range':
      return JSON.stringify({ ts: atMs, hr: 999, spo2: 97 });
    case 'missing_ts':
      return JSON.stringify({ hr: 72, spo2: 97, rr: 16 });
    case 'ts_in_future':
      // Contract §1.4 allows 5 min of clock skew; an hour is a broken RTC.
      return JSON.stringify({ ts: atMs + HOUR_MS, hr: 72, spo2: 97 });
    case 'ts_too_old':
      return JSON.stringify({ ts: atMs - 48 * HOUR_MS, hr: 72, spo2: 97 });
    case 'string_numbers':
      return JSON.stringify({ ts: atMs, hr: '72', spo2: '97', temp: '36.8' });
    case 'oversize_batch':
      // 1001 minimal samples: over the 1000-sample limit yet under 64 KiB, so it is the count that fails.
      return JSON.stringify({
        samples: Array.from({ length: 1001 }, (_, i) => ({ ts: atMs - (1001 - i) * 1000, hr: 70 })),
      });
    case 'payload_too_large':
      // Schema-valid (unknown fields are ignored) but over the 64 KiB payload limit.
      return JSON.stringify({ ts: atMs, hr: 72, firmwareDump: 'x'.repeat(70 * 1024) });
  }
}

export const malformed: WearableScenario = {
  name: 'malformed',
  description:
    'Valid samples interleaved with garbage every ~5th slot: invalid JSON, hr 999, missing ts, ts an hour ahead or two days old, strings for numbers, 1001-sample batch, a 70 KiB payload.',
  deviceKind: 'wearable',
  create({ rng }) {
    let slotNo = 0;
    let next = rng.int(0, MALFORMED_KINDS.length - 1);
    return {
      step(slot) {
        slot.sample();
        slotNo++;
        if (slotNo % 5 !== 0) return;
        const kind = MALFORMED_KINDS[next % MALFORMED_KINDS.length] as MalformedKind;
        next++;
        slot.raw('vitals', malformedPayload(kind, slot.atMs, rng), kind);
      },
    };
  },
};
