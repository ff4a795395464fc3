import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

/**
 * Issue 13 (LOW): "the demo binds 0.0.0.0". The demo's passwords are published, so the demo listens on
 * the loopback interface unless HOST says otherwise; without the demo the default stays every interface.
 */
describe('HOST default', () => {
  const host = (env: NodeJS.ProcessEnv) => {
    const r = loadConfig(env);
    if (!r.ok) throw new Error(r.problems.join('; '));
    return r.config.host;
  };

  it('is the loopback interface with the demo (the default)', () => {
    expect(host({})).toBe('127.0.0.1');
    expect(host({ DEMO: 'true' })).toBe('127.0.0.1');
  });

  it('is every interface without the demo', () => {
    expect(host({ DEMO: 'false' })).toBe('0.0.0.0');
  });

  it('is what HOST says, demo or not', () => {
    expect(host({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(host({ DEMO: 'false', HOST: '10.0.0.5' })).toBe('10.0.0.5');
  });
});
