export * from './private-server.ts';
export * from './test-ca.ts';
export * from './clear-text.ts';
