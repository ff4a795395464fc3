export * from './private-server.ts';
