import type { CommunicationObserver, SendOptions, Transport } from '@influxdata/influxdb-client';

/**
 * The client's transport, counting the requests in flight. WriteApi sends every full batch at once
 * and does not wait for it, so `WriteApi.flush()` alone resolves while earlier batches are still on
 * the wire; `settled()` is what lets our `flush()` mean "everything appended so far has an answer".
 */
export class TrackingTransport implements Transport {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly inner: Transport) {}

  get chunkCombiner() {
    return this.inner.chunkCombiner;
  }

  send(path: string, body: string, options: SendOptions, callbacks?: Partial<CommunicationObserver<Uint8Array>>) {
    let finish = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.inFlight.add(done);
    let finished = false;
    // The writer's own callbacks run first (they call the writeSuccess/writeFailed hooks), then the
    // request counts as answered.
    const end = () => {
      if (finished) return;
      finished = true;
      this.inFlight.delete(done);
      finish();
    };
    this.inner.send(path, body, options, {
      ...callbacks,
      error(err) {
        try {
          callbacks?.error?.(err);
        } finally {
          end();
        }
      },
      complete() {
        try {
          callbacks?.complete?.();
        } finally {
          end();
        }
      },
    });
  }

  request(...args: Parameters<Transport['request']>) {
    return this.inner.request(...args);
  }

  iterate(...args: Parameters<Transport['iterate']>) {
    return this.inner.iterate(...args);
  }

  /** Resolves once every request in flight now has been answered (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  get pending(): number {
    return this.inFlight.size;
  }
}
