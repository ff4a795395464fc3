export * from './algorithms.ts';
export * from './errors.ts';
export * from './field-cipher.ts';
export * from './keyring.ts';
