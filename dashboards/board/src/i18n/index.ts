export * from './format.ts';
export * from './locale.ts';
export * from './messages.ts';
