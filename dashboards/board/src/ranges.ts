import type { VitalName } from './store.ts';

/**
 * How far a value is from normal, by the NEWS2 chart 1 bands (clinical.md): 0 = the band scoring 0,
 * 1 = a band scoring 1–2, 2 = a band scoring 3 ("red score"). Only for highlighting a tile; alerts come
 * from the platform's rules, never from the board.
 */
export type Severity = 0 | 1 | 2;

export function severity(name: VitalName, v: number): Severity {
  switch (name) {
    case 'hr': // ≤40 → 3; 41–50 → 1; 51–90 → 0; 91–110 → 1; 111–130 → 2; ≥131 → 3
      return v <= 40 || v >= 131 ? 2 : v <= 50 || v >= 91 ? 1 : 0;
    case 'spo2': // scale 1: ≤91 → 3; 92–95 → 1–2; ≥96 → 0
      return v <= 91 ? 2 : v <= 95 ? 1 : 0;
    case 'rr': // ≤8 → 3; 9–11 → 1; 12–20 → 0; 21–24 → 2; ≥25 → 3
      return v <= 8 || v >= 25 ? 2 : v <= 11 || v >= 21 ? 1 : 0;
    case 'sbp': // ≤90 → 3; 91–110 → 1–2; 111–219 → 0; ≥220 → 3
      return v <= 90 || v >= 220 ? 2 : v <= 110 ? 1 : 0;
    case 'temp': // ≤35.0 → 3; 35.1–36.0 → 1; 36.1–38.0 → 0; 38.1–39.0 → 1; ≥39.1 → 2
      return v <= 35.0 ? 2 : v <= 36.0 || v >= 38.1 ? 1 : 0;
    default:
      return 0;
  }
}

/** Older than this, a value is not "now" any more (brief: stale after 2 min, shown greyed). */
export const STALE_MS = 2 * 60_000;
