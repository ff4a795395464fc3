export * from './thresholds.ts';
export * from './event-rules.ts';
export * from './sensor-rules.ts';
export * from './news2.ts';
