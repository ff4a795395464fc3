#!/usr/bin/env tsx
/**
 * Sums V8 CPU profiles (`BENCH_CPU_PROFILE=<dir> pnpm bench …` writes one per product process and
 * thread) by self time per file and per function, idle excluded (`--last <s>`: only the profile's last
 * seconds, e.g. the steady phase and drain without provisioning and connecting), and with `--incl <regex>` the
 * inclusive time of the functions whose `name file:line` matches (each frame once per sample, so
 * recursion is not counted twice). Async continuations start a new stack: a function's inclusive time
 * is what ran under it synchronously.
 *
 *   npx tsx services/vigil/bench/profile-summary.ts <dir|file.cpuprofile…> [--top 30] [--last 45] [--incl 'seal|flush']
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, incl: { type: 'string' }, last: { type: 'string' } },
});
const top = Number(values.top);
const inclusivePattern = values.incl === undefined ? undefined : new RegExp(values.incl);
const files = positionals.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(p, f))
    : [p],
);

/** `file:///…/node_modules/.pnpm/ioredis@5/node_modules/ioredis/built/x.js` → `ioredis@5: built/x.js`. */
const shortUrl = (url: string) =>
  (url || '(native)')
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\/\.pnpm\/([^/]+)\/node_modules\/[^/]+\//, '$1: ')
    .replace(/^\/work\/[^/]+\//, '');

const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  // Sample times are the running sum of the deltas; `--last` keeps those within its seconds of the end.
  const since = values.last === undefined ? -Infinity : profile.endTime - Number(values.last) * 1e6;
  let at = profile.endTime - profile.timeDeltas.reduce((sum, d) => sum + d, 0);
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= since) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const frame = (id: number) => {
    const cf = (byId.get(id) as ProfileNode).callFrame;
    return {
      name: cf.functionName,
      file: shortUrl(cf.url),
      fn: `${cf.functionName || '(anon)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`,
    };
  };

  let busy = 0;
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const f = frame(id);
    if (f.name === '(idle)') continue;
    busy += us;
    add(byFile, f.file, us);
    add(byFunction, f.fn, us);
    if (!inclusivePattern) continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const fn = frame(at).fn;
      if (inclusivePattern.test(fn) && !seen.has(fn)) {
        seen.add(fn);
        add(inclusive, fn, us);
      }
    }
  }
  const show = (m: Map<string, number>, title: string) => {
    console.log(`  ${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`);
  };
  console.log(`${file}: ${(busy / 1e6).toFixed(1)} s busy (idle excluded)`);
  show(byFile, 'self time by file');
  show(byFunction, 'self time by function');
  if (inclusivePattern) show(inclusive, `inclusive time of /${values.incl}/`);
}
