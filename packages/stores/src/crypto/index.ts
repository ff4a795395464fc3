export * from './errors.ts';
export * from './field-cipher.ts';
export * from './keyring.ts';
