import type { FastifyInstance } from 'fastify';

/** One REST route as fastify registered it: `GET /api/alerts/:id`. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * The gateway's route table, read from fastify itself (`onRoute`), so it cannot drift from what is
 * served. test/access-matrix.int.test.ts walks it: a route added without a row in the access matrix
 * fails that test (issue 13: "a new route cannot be added without a row"). HEAD twins of GET routes
 * run the GET handler and are left out.
 */
export function recordRoutes(app: FastifyInstance, table: RegisteredRoute[] = []): RegisteredRoute[] {
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url });
    }
  });
  return table;
}
