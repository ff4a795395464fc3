export * from './ingest.ts';
export * from './error-reporter.ts';
export * from './validate.ts';
