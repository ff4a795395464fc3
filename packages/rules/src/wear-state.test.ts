import { describe, expect, it } from 'vitest';
import { judgeUnworn, type UnwornReading, type WearEvidence } from './wear-state.ts';

const MAX_JUMP = { hr: 30, spo2: 6 };
/** Judges readings one a second from t = 0, returning whether each was believed to be on a person. */
const judge = (readings: Omit<UnwornReading, 'ts'>[]) => {
  let evidence: WearEvidence | undefined;
  return readings.map((r, i) => {
    const j = judgeUnworn(evidence, { ts: i * 1000, ...r }, MAX_JUMP, 10 * 60_000);
    evidence = j.evidence;
    return j.plausible;
  });
};

describe('judgeUnworn (clinical.md "Wear state is evidence, not a veto")', () => {
  it('believes a pulse and SpO2 that vary as a body does, after a few readings', () => {
    expect(
      judge([
        { hr: 72, spo2: 96 },
        { hr: 74, spo2: 96 },
        { hr: 73, spo2: 97 },
        { hr: 75, spo2: 96 },
        { hr: 76, spo2: 96 },
        { hr: 74, spo2: 97 },
      ]),
    ).toEqual([false, false, false, false, true, true]);
  });

  it('does not believe a frozen number, values no living person shows, or wild jumps', () => {
    expect(
      judge([
        { hr: 30, spo2: 60 },
        { hr: 30, spo2: 60 },
        { hr: 30, spo2: 60 },
        { hr: 30, spo2: 60 },
      ]),
    ).toEqual([false, false, false, false]);
    expect(
      judge([
        { hr: 0, spo2: 50 },
        { hr: 12, spo2: 55 },
        { hr: 4, spo2: 51 },
      ]),
    ).toEqual([false, false, false]);
    expect(
      judge([
        { hr: 70, spo2: 96 },
        { hr: 140, spo2: 80 },
        { hr: 72, spo2: 97 },
        { hr: 150, spo2: 75 },
      ]),
    ).toEqual([false, false, false, false]);
    // Skin temperature off the body is the room's.
    expect(
      judge([
        { hr: 70, temp: 24 },
        { hr: 71, temp: 24 },
        { hr: 72, temp: 24 },
      ]),
    ).toEqual([false, false, false]);
  });

  it('starts afresh after an implausible reading', () => {
    expect(
      judge([
        { hr: 72, spo2: 96 },
        { hr: 74, spo2: 96 },
        { hr: 0 },
        { hr: 73, spo2: 97 },
        { hr: 75 },
        { hr: 74 },
        { hr: 76 },
        { hr: 75 },
      ]),
    ).toEqual([false, false, false, false, false, false, false, true]);
  });

  it('does not believe junk that lands in living ranges by chance (a wristband on the table, a day of it)', () => {
    // Uniform junk like an optical sensor reading a table: HR 0–45, SpO2 50–85.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const junk = Array.from({ length: 17_280 }, () => ({
      hr: Math.floor(rand() * 46),
      spo2: 50 + Math.floor(rand() * 36),
    }));
    expect(judge(junk).filter(Boolean)).toEqual([]);
  });
});
