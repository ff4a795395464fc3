import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

/** The flags written before `--import tsx … main.ts` in a launcher's command line. */
function flagsBeforeMain(commandLine: string): string[] {
  const words = commandLine.split(/[\s",[\]]+/).filter(Boolean);
  const node = words.lastIndexOf('node', words.indexOf('services/vigil/src/main.ts'));
  const imports = words.indexOf('--import', node);
  return words.slice(node + 1, imports);
}

describe('the platform is started with its Node flags everywhere', () => {
  it('root package.json: start and dev', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    for (const name of ['start', 'dev']) {
      const script = scripts[name];
      expect(script, name).toBeDefined();
      expect(flagsBeforeMain(script ?? ''), name).toEqual([...PLATFORM_NODE_FLAGS]);
    }
  });

  it("the Dockerfile's CMD", () => {
    const cmd = read('services/vigil/Dockerfile')
      .split('\n')
      .find((line) => line.startsWith('CMD '));
    expect(cmd).toBeDefined();
    expect(flagsBeforeMain(cmd ?? '')).toEqual([...PLATFORM_NODE_FLAGS]);
  });
});
