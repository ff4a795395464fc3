import type { Duplex } from 'node:stream';

/**
 * aedes (mqtt-packet) buffers a PUBLISH until its declared length has arrived and has no maximum
 * packet size, so one client could make it hold gigabytes. This follows the MQTT fixed headers
 * ([MQTT-2.2.3] Remaining Length, a 1–4 byte varint) as the bytes pass and reports a packet that
 * declares more than `maxBytes`, before its body is buffered. Payload rules proper (64 KiB,
 * contract §1.4) stay with ingest, which reports them to the device.
 */
export class PacketSizeScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private remaining = 0;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes in stream order; returns false as soon as a packet is too large or malformed. */
  push(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const n = Math.min(this.remaining, chunk.length - i);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (this.length > this.maxBytes) return false;
      if (byte & 0x80) {
        if (this.multiplier > 128 ** 3) return false; // [MQTT-2.2.3]: at most 4 length bytes
        continue;
      }
      this.remaining = this.length;
      this.state = this.remaining === 0 ? 'type' : 'body';
    }
    return true;
  }
}

/**
 * Watches a connection aedes already reads. With a 'readable' listener in place (aedes's), a 'data'
 * listener only observes what aedes reads and does not switch the stream to flowing mode.
 */
export function guardPacketSize(conn: Duplex, maxBytes: number, onExceeded: () => void): void {
  const scanner = new PacketSizeScanner(maxBytes);
  const watch = (chunk: Buffer | string) => {
    if (scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) return;
    conn.off('data', watch);
    onExceeded();
    conn.destroy();
  };
  conn.on('data', watch);
}
