export * from './device-secret-binding.ts';
export * from './device-secrets.ts';
export * from './failure-backoff.ts';
export * from './password-policy.ts';
export * from './secrets.ts';
export * from './tokens.ts';
export * from './usernames.ts';
export * from './work-gate.ts';
