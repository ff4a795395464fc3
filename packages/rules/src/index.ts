export * from './thresholds.ts';
export * from './event-rules.ts';
export * from './sensor-rules.ts';
