import { createServer } from 'node:net';
import { Aedes } from 'aedes';

export interface BareBroker {
  port: number;
  close(): Promise<void>;
}

/**
 * aedes with no hooks at all (every CONNECT accepted, no store, no ACL) on a free loopback port: the
 * floor a benchmark of the embedded broker is read against, measured in the same run (STYLE.md §16).
 */
export async function startBareBroker(): Promise<BareBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    },
  };
}
