import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBareText } from './bare-text.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/**
 * Text that may stay bare: names that are the same in both languages. Per file, so a leftover found
 * after merging a branch can be listed here with a reason while its catalogue is written (the list is
 * meant to be short and to shrink).
 */
const ALLOWED_EVERYWHERE = new Set(['NEWS2']);
const ALLOWED_IN: Record<string, readonly string[]> = {};

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsxFiles(path);
    return e.name.endsWith('.tsx') && !e.name.endsWith('.test.tsx') ? [path] : [];
  });
}

describe('no bare English in the board’s JSX', () => {
  it('finds text between tags, rendered strings and read attributes (the guard itself)', () => {
    const found = findBareText(
      'x.tsx',
      `export const X = ({ busy, n }) => (
        <div aria-label="Open alerts" class="panel" data-testid="some-id">
          Hello there
          <b title={\`Room \${n}\`}>{busy ? 'Saving…' : t('save')}</b>
          {n > 1 && 'more'} {' · '} × {t('ok', { key: 'value' })} {n === 'active' ? 1 : 2}
        </div>
      );`,
    );
    expect(found.map((f) => f.text)).toEqual(['Open alerts', 'Hello there', 'Room', 'Saving…', 'more']);
  });

  it('every .tsx under src/ says its words through a catalogue', () => {
    const offences = tsxFiles(SRC).flatMap((path) => {
      const file = relative(SRC, path);
      const allowed = new Set([...ALLOWED_EVERYWHERE, ...(ALLOWED_IN[file] ?? [])]);
      return findBareText(file, readFileSync(path, 'utf8'))
        .filter((f) => !allowed.has(f.text))
        .map((f) => `${file}:${f.line}: ${f.text}`);
    });
    expect(offences).toEqual([]);
  });
});
