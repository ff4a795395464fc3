#!/usr/bin/env tsx
/**
 * The floor (STYLE.md §16): aedes as the platform embeds it, with no hooks at all (every CONNECT
 * accepted, no ACL, no ingest, no store), TCP_NODELAY on every socket as the platform sets it, on
 * loopback port BARE_BROKER_PORT (0: any free one), in a process of its own.
 */
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../ipc.ts';

/** The part of aedes used here (its types resolve only from @vigil/broker). */
interface Broker {
  handle(socket: Socket): void;
  close(done: () => void): void;
}

// The same aedes the platform runs: @vigil/broker's own dependency, not whatever a hoist would find.
const fromBroker = createRequire(join(REPO_ROOT, 'packages/broker/package.json'));
const { Aedes } = (await import(pathToFileURL(fromBroker.resolve('aedes')).href)) as {
  Aedes: { createBroker(): Promise<Broker> };
};

const aedes = await Aedes.createBroker();
const server = createServer((socket) => {
  socket.setNoDelay(true);
  aedes.handle(socket);
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(process.env.BARE_BROKER_PORT ?? 0), '127.0.0.1', resolve);
});
const address = server.address();
console.log(`bare aedes listening on ${typeof address === 'object' && address ? address.port : '?'}`);

process.once('SIGTERM', () => {
  server.close();
  aedes.close(() => process.exit(0));
});
