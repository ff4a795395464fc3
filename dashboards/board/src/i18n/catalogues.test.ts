import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORD_TABLES } from './labels.ts';
import type { Message } from './messages.ts';

/** Chinese characters or full-width Chinese punctuation: a zh string without any is not Chinese. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/**
 * Messages that only join parts already translated (a name, a figure), the same in both languages.
 * Listed by `<export>.<key>`, so a new untranslated message cannot hide here by accident.
 */
const NEUTRAL = new Set([
  'tTasks.news2Line',
  // Units written the same in Chinese clinical use (% , °C, mmHg), and a line of a score and a word
  // that is itself translated (the risk band comes in as a parameter).
  'tWard.unit_spo2',
  'tWard.unit_temp',
  'tWard.unit_bp',
  'tWard.news2',
]);

/** Stands in for any message's parameters: every field reads as 1 ("1 alert", "Room 1"). */
const anyParams = new Proxy({}, { get: (_t, key) => (key === Symbol.toPrimitive ? undefined : 1) });

interface Catalogue {
  keys: string[];
  catalogues: Record<'en' | 'zh-CN', Record<string, Message>>;
}
const isCatalogue = (v: unknown): v is Catalogue =>
  typeof v === 'function' && Array.isArray((v as Partial<Catalogue>).keys) && 'catalogues' in v;

/** Every catalogue exported from src/i18n/*.ts, including those added by other features. */
async function allCatalogues(): Promise<[string, Catalogue][]> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const found: [string, Catalogue][] = [];
  for (const f of files) {
    const mod = (await import(`./${f}`)) as Record<string, unknown>;
    for (const [name, v] of Object.entries(mod)) if (isCatalogue(v)) found.push([name, v]);
  }
  return found;
}

const render = (m: Message | undefined): string | undefined => (typeof m === 'function' ? m(anyParams) : m);

describe('catalogues', () => {
  it('are found (the board’s own at least)', async () => {
    const names = (await allCatalogues()).map(([n]) => n);
    for (const n of ['tCommon', 'tAlerts', 'tExplain', 'tTasks', 'tPanels', 'tResidents']) expect(names).toContain(n);
  });

  it('have every key in both languages, none empty, the Chinese in Chinese', async () => {
    const problems: string[] = [];
    for (const [name, t] of await allCatalogues()) {
      const en = t.catalogues.en;
      const zh = t.catalogues['zh-CN'];
      for (const key of Object.keys(zh)) if (!(key in en)) problems.push(`${name}.${key}: only in Chinese`);
      for (const key of t.keys) {
        const id = `${name}.${key}`;
        if (!(key in zh)) {
          problems.push(`${id}: no Chinese`);
          continue;
        }
        if (typeof en[key] !== typeof zh[key]) problems.push(`${id}: text in one language, function in the other`);
        const [e, z] = [render(en[key]), render(zh[key])];
        if (!e?.trim()) problems.push(`${id}: empty English`);
        if (!z?.trim()) problems.push(`${id}: empty Chinese`);
        else if (!NEUTRAL.has(id) && !CJK.test(z)) problems.push(`${id}: Chinese has no Chinese: "${z}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('name every fixed value (priorities, roles, kinds, vitals…) in both languages', () => {
    const problems: string[] = [];
    for (const [table, words] of Object.entries(WORD_TABLES)) {
      for (const [key, w] of Object.entries(words)) {
        if (!w.en.trim()) problems.push(`${table}.${key}: empty English`);
        if (!CJK.test(w.zh)) problems.push(`${table}.${key}: Chinese has no Chinese: "${w.zh}"`);
      }
    }
    expect(problems).toEqual([]);
  });
});
