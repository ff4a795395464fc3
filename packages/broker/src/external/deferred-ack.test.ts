import { Duplex } from 'node:stream';
import { MqttClient } from 'mqtt';
import { describe, expect, it, vi } from 'vitest';
import { DeferredAcks } from './deferred-ack.ts';

/**
 * Pins the mqtt.js internals `DeferredAcks` relies on (publish handler → `handleMessage` callback →
 * `_sendPacket({ cmd: 'puback' })`), on a fake socket: if an mqtt.js upgrade changes them, a deferred
 * message gets acked before commit here, or the pump stops reading.
 */
const CONNACK_V5 = Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]);

function publishQos1(topic: string, messageId: number, payload: string): Buffer {
  const t = Buffer.from(topic);
  const body = Buffer.concat([
    Buffer.from([t.length >> 8, t.length & 0xff]),
    t,
    Buffer.from([messageId >> 8, messageId & 0xff, 0x00]), // id, no properties
    Buffer.from(payload),
  ]);
  return Buffer.concat([Buffer.from([0x32, body.length]), body]);
}

function fakeBroker() {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(Buffer.from(chunk));
      cb();
    },
  });
  /** Message ids of the PUBACKs written so far. */
  const pubacks = () => {
    const out = Buffer.concat(written);
    const ids: number[] = [];
    for (let i = 0; i < out.length; ) {
      const type = out[i] ?? 0;
      let len = 0;
      let mul = 1;
      let j = i + 1;
      for (;;) {
        const b = out[j++] ?? 0;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if (b < 0x80) break;
      }
      if (type === 0x40) ids.push(((out[j] ?? 0) << 8) | (out[j + 1] ?? 0));
      i = j + len;
    }
    return ids;
  };
  return { socket, pubacks };
}

describe('DeferredAcks on mqtt.js', () => {
  it('holds each PUBACK until its commit while the next messages are read', async () => {
    const { socket, pubacks } = fakeBroker();
    const client = new MqttClient(() => socket as never, { protocolVersion: 5, reconnectPeriod: 0, keepalive: 0 });
    const acks = new DeferredAcks(client);
    const commits = new Map<number, () => void>();
    client.on('message', (_t, _p, packet) => {
      if (packet.messageId !== undefined) commits.set(packet.messageId, acks.defer(packet.messageId));
    });
    socket.push(CONNACK_V5);
    await vi.waitFor(() => expect(client.connected).toBe(true));
    socket.push(Buffer.concat([publishQos1('a/b', 7, 'x'), publishQos1('a/b', 8, 'y'), publishQos1('a/b', 9, 'z')]));
    // All three are read although none is committed: processing is not serialised.
    await vi.waitFor(() => expect([...commits.keys()]).toEqual([7, 8, 9]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pubacks()).toEqual([]);
    expect(acks.held).toBe(3);
    commits.get(8)?.();
    await vi.waitFor(() => expect(pubacks()).toEqual([8]));
    commits.get(9)?.();
    commits.get(7)?.();
    await vi.waitFor(() => expect(pubacks()).toEqual([8, 9, 7]));
    client.end(true);
  });

  it('sends a PUBACK committed before mqtt.js asks for it when it does, and untracked ones at once', async () => {
    const { socket, pubacks } = fakeBroker();
    const client = new MqttClient(() => socket as never, { protocolVersion: 5, reconnectPeriod: 0, keepalive: 0 });
    const acks = new DeferredAcks(client);
    client.on('message', (_t, _p, packet) => {
      if (packet.messageId === 1) acks.defer(1)(); // a synchronous handler: committed at once
    });
    socket.push(CONNACK_V5);
    await vi.waitFor(() => expect(client.connected).toBe(true));
    socket.push(Buffer.concat([publishQos1('a/b', 1, 'x'), publishQos1('a/b', 2, 'y')]));
    await vi.waitFor(() => expect(pubacks()).toEqual([1, 2]));
    client.end(true);
  });

  it('drops held PUBACKs when the connection closes (message ids belong to one connection)', async () => {
    const { socket, pubacks } = fakeBroker();
    const client = new MqttClient(() => socket as never, { protocolVersion: 5, reconnectPeriod: 0, keepalive: 0 });
    const acks = new DeferredAcks(client);
    let commit = () => {};
    client.on('message', (_t, _p, packet) => {
      if (packet.messageId !== undefined) commit = acks.defer(packet.messageId);
    });
    socket.push(CONNACK_V5);
    await vi.waitFor(() => expect(client.connected).toBe(true));
    socket.push(publishQos1('a/b', 3, 'x'));
    await vi.waitFor(() => expect(acks.held).toBe(1));
    socket.destroy();
    await vi.waitFor(() => expect(client.connected).toBe(false));
    commit();
    expect(acks.held).toBe(0);
    expect(pubacks()).toEqual([]);
  });
});
