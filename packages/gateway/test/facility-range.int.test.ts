import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Harness, login, startHarness } from './fixtures.ts';

/**
 * The two facility reports read their facility and range the same way (routes/facility-range.ts):
 * the same defaults and the same error answers, word for word, from both.
 */
let h: Harness;
const tokens: Record<string, string> = {};
const DAY_MS = 24 * 3_600_000;

beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'manager1', 'manager2', 'care1']) tokens[u] = await login(h.base, u);
});
afterAll(() => h.close());

const get = (path: string, query: string, user: string) =>
  api(h.base, 'GET', `${path}${query ? `?${query}` : ''}`, { token: tokens[user] ?? '' });
const answer = async (path: string, query: string, user = 'admin') => {
  const res = await get(path, query, user);
  return { status: res.status, code: res.body?.error?.code, message: res.body?.error?.message };
};

describe.each(['/api/sla/report', '/api/alerts/stats'])('%s facility and range', (path) => {
  it("defaults to the manager's one facility over the 7 days up to now", async () => {
    const before = Date.now();
    const res = await get(path, '', 'manager1');
    expect(res.status).toBe(200);
    expect(res.body.facilityId).toBe('f1');
    const [from, to] = [Date.parse(res.body.from), Date.parse(res.body.to)];
    expect(to).toBeGreaterThanOrEqual(before - 1_000);
    expect(to - from).toBe(7 * DAY_MS);
  });

  it('takes from and to as epoch milliseconds or ISO-8601', async () => {
    const res = await get(path, 'facilityId=f1&from=1700000000000&to=2023-11-15T00:00:00.000Z', 'admin');
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(new Date(1_700_000_000_000).toISOString());
    expect(res.body.to).toBe('2023-11-15T00:00:00.000Z');
  });

  it('answers the same errors', async () => {
    expect(await answer(path, '')).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'facilityId is required when you belong to several facilities',
    });
    expect(await answer(path, 'facilityId=f1&from=2000&to=1000')).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'from must not be after to',
    });
    expect(await answer(path, `facilityId=f1&from=0&to=${93 * DAY_MS}`)).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'range longer than 92 days',
    });
    expect(await answer(path, 'facilityId=nowhere')).toEqual({
      status: 404,
      code: 'not_found',
      message: 'facility nowhere not found',
    });
    expect((await answer(path, 'facilityId=f1', 'manager2')).status).toBe(404);
    expect((await answer(path, 'facilityId=f1', 'care1')).status).toBe(403);
    const badTime = await get(path, 'facilityId=f1&from=yesterday', 'admin');
    expect(badTime.status).toBe(400);
    expect(badTime.body).toEqual({
      error: {
        code: 'invalid_input',
        message: 'invalid querystring',
        details: [{ path: '/from', message: 'expected epoch milliseconds or an ISO-8601 time' }],
      },
    });
  });
});
