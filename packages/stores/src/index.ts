export * from './types.ts';
export * from './memory/index.ts';
export * from './redis/index.ts';
export * from './crypto/index.ts';
export * from './paging.ts';
export * from './audit-chain.ts';
