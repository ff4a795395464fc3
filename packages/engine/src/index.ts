export * from './errors.ts';
export * from './alerts/alert-service.ts';
export * from './alerts/keyed-lock.ts';
export * from './ports.ts';
export * from './monitor/monitor.ts';
export * from './monitor/device-presence.ts';
export * from './ingest/index.ts';
