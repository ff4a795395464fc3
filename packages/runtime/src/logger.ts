import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One root logger; modules take `logger.child({ module })` (STYLE.md §8). Secrets and tokens are
 * redacted; health values are never logged (log ids only).
 */
export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? 'vigil',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: {
      paths: ['password', 'secret', 'token', '*.password', '*.secret', '*.token', 'req.headers.authorization'],
      censor: '[redacted]',
    },
    base: undefined,
  });
}

/** A silent logger for tests. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
