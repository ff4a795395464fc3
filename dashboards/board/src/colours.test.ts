import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrastRatio } from './contrast.ts';

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');
const root = css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {')));
const vars = new Map([...root.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2]] as const));
const v = (name: string): string => {
  const c = vars.get(name);
  if (!c) throw new Error(`${name} is not a #rrggbb custom property of :root`);
  return c;
};

/** Hue in degrees of a #rrggbb colour. */
function hue(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => c / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('board colours', () => {
  it('computes WCAG contrast as the spec does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#8a94a1', '#eceef1')).toBeCloseTo(2.64, 2);
  });

  it('follow IEC 60601-1-8: red high, yellow medium, cyan low', () => {
    const high = hue(v('--high'));
    expect(high < 15 || high > 345).toBe(true);
    expect(hue(v('--medium-fill'))).toBeGreaterThanOrEqual(45);
    expect(hue(v('--medium-fill'))).toBeLessThanOrEqual(60);
    expect(hue(v('--low-fill'))).toBeGreaterThanOrEqual(175);
    expect(hue(v('--low-fill'))).toBeLessThanOrEqual(195);
  });

  it.each([
    ['--high-ink', '--high'],
    ['--high', '--high-bg'],
    ['--medium-ink', '--medium-fill'],
    ['--medium', '--medium-bg'],
    ['--low-ink', '--low-fill'],
    ['--low', '--low-bg'],
    ['--stale-ink', '--stale-bg'],
    ['--ink-2', '--surface'],
    ['--ink-3', '--surface'],
    // Secondary text also sits on the page background and the vital cells (#f4f6f9, lighter than --bg).
    ['--ink-2', '--bg'],
    ['--ink-3', '--bg'],
  ])('text %s on %s is at least 4.5:1 (WCAG AA)', (fg, bg) => {
    expect(contrastRatio(v(fg), v(bg))).toBeGreaterThanOrEqual(4.5);
  });

  it('stale values use the readable stale pair', () => {
    const rule = css.slice(css.indexOf('.vital--stale,'), css.indexOf('}', css.indexOf('.vital--stale,')));
    expect(rule).toContain('color: var(--stale-ink)');
    expect(rule).toContain('background: var(--stale-bg)');
  });
});
