import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Aedes } from 'aedes';
import type { Logger } from '@vigil/runtime';
import { guardPacketSize } from './packet-size-guard.ts';

export interface TcpListenerOptions {
  port: number;
  host: string;
  maxPacketBytes: number;
  onOversized: () => void;
  log: Logger;
  /** MQTT over TLS (8883) instead of plain TCP: certificate, key, and optionally client-CA settings. */
  tls?: TlsOptions;
}

/** Thrown by `listen()` when the port is taken (contract §5: a clear start-up error). */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    readonly port: number,
    what = 'MQTT',
  ) {
    super(`${what} port ${port} is already in use`);
  }
}

/** A TCP front of the embedded broker: plain (1883), or TLS (8883) with `tls`. */
export class TcpListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly aedes: Aedes,
    private readonly opts: TcpListenerOptions,
  ) {
    if (!opts.tls) {
      this.server = createServer((socket) => this.accept(socket));
      return;
    }
    // Devices get the same broker, authentication and ACL as on 1883: only the transport differs.
    const tls = createTlsServer({ handshakeTimeout: 10_000, ...opts.tls }, (socket) => this.accept(socket));
    // TCP_NODELAY on the raw socket, before the handshake (which it speeds up too); see accept().
    tls.on('connection', (raw: Socket) => raw.setNoDelay(true));
    // A client that does not trust our certificate, or speaks plain MQTT to this port: its socket is
    // closed by node; the reason is logged at debug, like aedes's connection errors.
    tls.on('tlsClientError', (err: Error, socket) =>
      opts.log.debug({ remote: socket.remoteAddress, err: err.message }, 'mqtts handshake failed'),
    );
    this.server = tls;
  }

  private accept(socket: Socket): void {
    // Neither aedes nor mqtt.js sets TCP_NODELAY; without it Nagle + delayed ACK stall a QoS 1
    // round trip ~40 ms (dependencies.md). Set before aedes writes anything.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.aedes.handle(socket);
    guardPacketSize(socket, this.opts.maxPacketBytes, () => {
      this.opts.onOversized();
      this.opts.log.warn({ remote: socket.remoteAddress }, 'mqtt packet over the connection limit, closing');
    });
  }

  /** Resolves with the bound port (0 picks a free one). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.server.off('listening', onListening);
        if (err.code === 'EADDRINUSE')
          reject(new PortInUseError(this.opts.port, this.opts.tls ? 'MQTT over TLS' : 'MQTT'));
        else reject(err);
      };
      const onListening = () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : this.opts.port);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ port: this.opts.port, host: this.opts.host });
    });
  }

  /** Stops accepting and destroys what aedes has not closed already. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const s of this.sockets) s.destroy();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}
