import { type DeviceSecretSettings, devicePeppers, randomDevicePeppers } from '@vigil/auth';
import type { Logger } from '@vigil/runtime';
import type { AppConfig } from './config.ts';

/**
 * Issue 12: device secrets are HMACs under the server pepper (DEVICE_SECRET_PEPPER), for the embedded
 * broker's authenticator, REST provisioning and the demo alike. Memory stores start empty, so a
 * random pepper per start does; hashes kept in Redis need the configured one (config.ts requires it
 * there). A Redis deployment without one (only when the config is built in code) keeps argon2id:
 * slow, but never unverifiable after a restart.
 */
export function deviceSecretSettings(config: AppConfig, logger: Logger): DeviceSecretSettings | undefined {
  const log = logger.child({ module: 'device-secrets' });
  if (config.devicePeppers) return { peppers: devicePeppers(config.devicePeppers), log };
  if (!config.redis) return { peppers: randomDevicePeppers(), log };
  log.warn('no DEVICE_SECRET_PEPPER with Redis: device secrets are hashed with argon2id (slow connects)');
  return undefined;
}
