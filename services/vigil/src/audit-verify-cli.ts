#!/usr/bin/env tsx
import { existsSync } from 'node:fs';
import { createRedisStores } from '@vigil/stores';
import { AUDIT_VERIFY_EXIT, verifyAuditLogs } from './audit-verify.ts';
import { loadConfig } from './config.ts';

/*
 * `pnpm audit:verify [--json] [facilityId…]`: recomputes the audit hash chain of each facility (all of
 * them by default) on the Redis the service is configured for (same environment and `.env` as
 * `pnpm start`: REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX, the encryption key) and prints
 * ok or where it breaks. Exit 0: every chain intact; 1: one is broken; 2: it could not check
 * (configuration, no Redis, Redis unreachable). docs/security.md "Audit chain".
 */
if (existsSync('.env')) process.loadEnvFile('.env');
const args = process.argv.slice(2);
const json = args.includes('--json');
const facilityIds = args.filter((a) => a !== '--json');

const result = loadConfig(process.env);
if (!result.ok) {
  console.error('Invalid configuration:');
  for (const p of result.problems) console.error(`  - ${p}`);
  process.exit(AUDIT_VERIFY_EXIT.failed);
}
const { redis } = result.config;
if (!redis) {
  console.error(
    'No REDIS_URL or REDIS_CLUSTER_NODES: the audit log lives in the running process; ask it with GET /api/audit/verify',
  );
  process.exit(AUDIT_VERIFY_EXIT.failed);
}
try {
  const stores = await createRedisStores(redis, {
    keyPrefix: redis.keyPrefix,
    encryption: { kek: redis.encryptionKey },
  });
  try {
    process.exitCode = await verifyAuditLogs(stores.audit, facilityIds, (line) => console.log(line), { json });
  } finally {
    await stores.close();
  }
} catch (err) {
  console.error(`audit:verify could not check: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(AUDIT_VERIFY_EXIT.failed);
}
