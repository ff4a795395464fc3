import { describe, expect, it } from 'vitest';
import { PacketSizeScanner } from './packet-size-guard.ts';

/** [MQTT-2.2.3] Remaining Length: 7 bits a byte, high bit = more bytes follow. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

/** A QoS 0 PUBLISH frame with `bytes` of payload. */
function publish(bytes: number): Buffer {
  const topic = Buffer.from('care/f/devices/d/vitals');
  const body = Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.alloc(bytes)]);
  return Buffer.concat([Buffer.from([0x30]), varint(body.length), body]);
}
const PINGREQ = Buffer.from([0xc0, 0x00]);

describe('PacketSizeScanner', () => {
  it('follows consecutive packets, split anywhere, and allows those within the limit', () => {
    const stream = Buffer.concat([publish(10), publish(200), publish(20_000), PINGREQ]);
    for (const step of [1, 2, 3, 7, 1000, stream.length]) {
      const scanner = new PacketSizeScanner(64 * 1024);
      for (let i = 0; i < stream.length; i += step) expect(scanner.push(stream.subarray(i, i + step))).toBe(true);
    }
  });

  it('refuses a packet that declares more than the limit, from its header alone', () => {
    const scanner = new PacketSizeScanner(1024);
    expect(scanner.push(publish(100))).toBe(true);
    expect(scanner.push(publish(5000).subarray(0, 4))).toBe(false);
  });

  it('refuses a remaining length of more than 4 bytes [MQTT-2.2.3]', () => {
    const scanner = new PacketSizeScanner(Number.MAX_SAFE_INTEGER);
    expect(scanner.push(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false);
  });
});
