#!/usr/bin/env tsx
import { existsSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { createLogger } from '@vigil/runtime';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';

// The one place that reads the environment, listens and handles signals (STYLE.md §2).
if (existsSync('.env')) process.loadEnvFile('.env');
const result = loadConfig(process.env);
if (!result.ok) {
  console.error('Invalid configuration:');
  for (const p of result.problems) console.error(`  - ${p}`);
  process.exit(1);
}
const { config } = result;
const logger = createLogger({ level: config.logLevel });

try {
  const app = await createApp({ ...config, logger });
  const { httpPort, mqttPort, mqttsPort, demoAccounts } = await app.start();
  // contract §5: the chosen ports are logged as {"msg":"listening","http":N,"mqtt":N} (and "mqtts":N
  // with MQTT over TLS).
  logger.info({ http: httpPort, mqtt: mqttPort, ...(mqttsPort !== undefined && { mqtts: mqttsPort }) }, 'listening');
  if (demoAccounts.length) {
    const url = `http://localhost:${httpPort}`;
    const width = (key: 'username' | 'password') => Math.max(...demoAccounts.map((a) => a[key].length));
    const rows = demoAccounts.map(
      (a) => `    ${a.username.padEnd(width('username'))}  ${a.password.padEnd(width('password'))}  ${a.role}`,
    );
    console.log(
      `\nVigil demo is running: open ${url}\n  Demo accounts (username, password, role):\n${rows.join('\n')}\n`,
    );
  }
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an uncaught error');
    else logger.info({ signal }, 'shutting down');
    await app.stop();
  });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  logger.fatal({ err }, 'start-up failed');
  console.error(`Vigil could not start: ${message}`);
  if (/port \d+ is already in use/.test(message)) {
    console.error('  Stop whatever holds it (e.g. a local Mosquitto on 1883), or choose other ports:');
    console.error('  HTTP_PORT=8081 MQTT_PORT=1884 pnpm start');
    if (message.startsWith('MQTT over TLS')) console.error('  or for MQTT over TLS: MQTTS_PORT=8884');
  }
  process.exit(1);
}
