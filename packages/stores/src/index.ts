export * from './types.ts';
export * from './memory/index.ts';
