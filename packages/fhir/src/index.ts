export * from './baseline-observation.ts';
export * from './bundle.ts';
export * from './codes.ts';
export * from './ids.ts';
export * from './import.ts';
export type { HistoryPoint } from './stepping.ts';
export * from './validate.ts';
