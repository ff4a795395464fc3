import type { RuleSettingsBody } from './rule-settings.ts';

const MIN = 60_000;

/**
 * Facility defaults (docs/clinical-rules.md gives the reasoning and the measured noise). Thresholds
 * follow the NEWS2 chart-1 bands (clinical.md): the alert tier where a parameter scores 2, the high
 * tier where it scores 3, so a threshold alert and the NEWS2 score tell the same story; the critical
 * limits of clinical.md are the fast path beside them. A cuff blood pressure needs a confirming
 * second reading unless it is past a critical limit.
 */
export const DEFAULT_RULE_SETTINGS: RuleSettingsBody = {
  vitals: {
    // NEWS2: pulse ≤40 scores 3, 41–50 scores 1; 111–130 scores 2, ≥131 scores 3.
    hr: { low: 45, high: 120, criticalLow: 40, criticalHigh: 131, clearMargin: 5, forMs: MIN, clearForMs: 2 * MIN },
    // NEWS2 scale 1: ≤91 scores 3, 92–93 scores 2. A minute, like pulse and respiration: a resident
    // whose own normal is 93–94 % reads 93 for half a minute many times a day, and a deep
    // desaturation does not wait for this window (critical limit 85 %, 5 s).
    spo2: { low: 93, criticalLow: 91, clearMargin: 2, forMs: MIN, clearForMs: 2 * MIN },
    // NEWS2: RR ≤8 scores 3; 21–24 scores 2; ≥25 scores 3.
    rr: { low: 9, high: 24, criticalLow: 8, criticalHigh: 25, clearMargin: 2, forMs: MIN, clearForMs: 2 * MIN },
    // NEWS2: SBP ≤90 scores 3, 91–100 scores 2; ≥220 scores 3.
    // A cuff reading is a spot reading: the next reading confirms it, however soon a carer re-checks
    // (profiles: `spot`); past the critical limit (≤ 80 / ≥ 220) one reading raises at once. `forMs`
    // applies only to a device that streams blood pressure.
    sbp: { low: 100, high: 180, criticalLow: 90, criticalHigh: 220, clearMargin: 5, forMs: 10 * MIN, clearForMs: 0 },
    // NEWS2: ≤35.0 scores 3; 38.1–39.0 scores 1, ≥39.1 scores 2.
    temp: {
      low: 35.5,
      high: 38.0,
      criticalLow: 35.0,
      criticalHigh: 39.1,
      clearMargin: 0.3,
      forMs: 2 * MIN,
      clearForMs: 5 * MIN,
    },
  },
  news2: { forMs: MIN, clearForMs: 5 * MIN },
  maxGapMs: 2 * MIN,
  // "SpO2 89 % with the odd 94 % is still hypoxia" (clinical.md): 4 readings in 5 hold a window. A
  // reading more than 10 s after the last is no longer part of a stream: a bedside monitor must alarm
  // within 10 s (IEC 60601-2-27), so a later reading is judged on its own as a spot reading.
  persistence: { fraction: 0.8, streamGapMs: 10_000 },
  // clinical.md "Critical limits". 5 s of a stream (at 1 Hz: six readings, four past the limit at the
  // least) keeps a single motion artefact from paging anyone and stays inside the 10 s monitors promise.
  criticalLimits: {
    hr: { low: 40, high: 140 },
    spo2: { low: 85 },
    rr: { low: 8, high: 30 },
    sbp: { low: 80, high: 220 },
    temp: { low: 35.0, high: 40.0 },
    news2: 7,
    // Scale 2 moves the target range down (88–92 % instead of ≥ 96 %): the critical limit moves with it.
    spo2Scale2Low: 80,
    confirmMs: 5_000,
  },
  // Freshness follows NEWS2 practice: pulse, SpO2 and respiration from a wristband are stale after
  // 10 min, skin temperature after 1 h; a cuff blood pressure counts for 12 h (observations every
  // 4–12 h on a ward), a cuff pulse for 30 min, a thermometer reading for 4 h.
  profiles: {
    wristband: {
      hr: { mode: 'stream', freshMs: 10 * MIN },
      spo2: { mode: 'stream', freshMs: 10 * MIN },
      rr: { mode: 'stream', freshMs: 10 * MIN },
      temp: { mode: 'stream', freshMs: 60 * MIN },
      sbp: { mode: 'spot', freshMs: 12 * 60 * MIN },
    },
    cuff: { sbp: { mode: 'spot', freshMs: 12 * 60 * MIN }, hr: { mode: 'spot', freshMs: 30 * MIN } },
    thermometer: { temp: { mode: 'spot', freshMs: 4 * 60 * MIN } },
  },
  // A nasal cannula is taken off and put back many times a day; a device report older than 15 min
  // says nothing about now, and the care plan's prescription applies again.
  oxygen: { deviceHoldMs: 15 * MIN },
  wearConflict: { forMs: 20_000 },
  // Faster than any physiology between two samples seconds apart (a motion artefact, a loose probe).
  artefacts: { enabled: true, maxJump: { hr: 30, spo2: 6, rr: 10, temp: 1 } },
  notWorn: { forMs: 5 * MIN },
  // Stale data against each device's own rhythm: a 1 Hz wristband silent for 3 min leaves a resident
  // unmonitored, a wristband that reports every 4 min is silent for 20 min before it warns. Room
  // sensors send a heartbeat at least every 10 min (Nightscout: warn 15 min, urgent 30 min, for CGMs
  // every 5 min: three missed readings).
  noData: {
    wearable: { warnMs: 3 * MIN, urgentMs: 10 * MIN, missedIntervals: 5 },
    sensor: { warnMs: 30 * MIN, urgentMs: 60 * MIN, missedIntervals: 3 },
  },
  battery: { lowPct: 15, criticalPct: 5, clearPct: 25 },
  // Below 16 °C or above 32 °C a room endangers frail residents (hypothermia, heat stroke).
  airTemp: { low: 16, high: 32, clearMargin: 1, forMs: 10 * MIN, clearForMs: 10 * MIN },
  inactivity: { enabled: true, timeZone: 'Asia/Shanghai', wakeFrom: '07:30', wakeTo: '21:30', afterMs: 3 * 60 * MIN },
  baseline: {
    enabled: true,
    minDeltaBpm: 20,
    sdFactor: 3,
    forMs: 15 * MIN,
    halfLifeMs: 24 * 60 * MIN,
    warmupMs: 2 * 60 * MIN,
  },
};
