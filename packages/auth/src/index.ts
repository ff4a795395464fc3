export * from './secrets.ts';
export * from './tokens.ts';
