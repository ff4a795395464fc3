/**
 * The Node.js flags the platform process is started with (issue 12). V8 sizes its young generation
 * when the process starts, so these cannot be set from inside main.ts (`v8.setFlagsFromString` comes
 * too late); every launcher passes them instead: the root package.json scripts, the Dockerfile's CMD
 * and the benchmark's process targets. node-flags.test.ts keeps those copies equal to this list.
 *
 * `--max-semi-space-size=64` (MiB): each sample lives through a few awaits (log, owner, rules,
 * alerts) while thousands of others arrive, so with V8's default new space (16 MiB semi-spaces) most
 * of them survive two scavenges, get promoted and are collected by the far dearer old-generation GC.
 * Measured with `node --max-semi-space-size=N --import tsx services/vigil/bench/fleet/pipeline-cpu.ts
 * 2000 40`: 65.9 µs CPU per sample at the default and at 32, 40.9 at 64, 44.6 at 128; it costs about
 * 40 MB of resident memory. In the whole product the gain is smaller, mostly latency: at 10,000
 * devices × 1 Hz, 106 → 103 µs per message, PUBACK p50 149 → 26 ms, SOS p50 78 → 17 ms
 * (docs/performance.md, "Measured on 2026-12-05, session 3").
 */
export const PLATFORM_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
