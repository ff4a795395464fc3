/**
 * Duplicate detection by `(device, channel, seq)` (contract §1.1: a repeated seq is dropped and
 * counted), held by the owner of the device's partition: no store round trip per message. Per device
 * and channel, the highest seq seen and a bitmap of the `WINDOW` seqs below it: QoS 1 redeliveries
 * and replays repeat a seq within moments, far inside it. A seq further below the highest than the
 * window is a device whose counter restarted (a reboot): it starts the window afresh.
 */
export const SEQ_WINDOW = 1024;

interface Window {
  max: number;
  /** Bit i set: seq `max - i` was seen. */
  bits: Uint8Array;
  /** The same bits as 32-bit words, to move them faster. */
  words: Uint32Array;
}

const windowOf = (max: number, bits: Uint8Array): Window => ({
  max,
  bits,
  words: new Uint32Array(bits.buffer, bits.byteOffset, bits.length >> 2),
});

/** What the window is saved as in a checkpoint. */
export type SeqWindowSnapshot = Record<string, [max: number, bits: string]>;

export class SeqWindows {
  /** Per channel, per device: no key string built per message. */
  private readonly windows = new Map<string, Map<string, Window>>();

  private channel(channel: string): Map<string, Window> {
    let byDevice = this.windows.get(channel);
    if (!byDevice) {
      byDevice = new Map();
      this.windows.set(channel, byDevice);
    }
    return byDevice;
  }

  /** True the first time a (device, channel, seq) is seen, false for a repeat. */
  firstTime(deviceId: string, channel: string, seq: number): boolean {
    const byDevice = this.channel(channel);
    const w = byDevice.get(deviceId);
    if (!w || seq <= w.max - SEQ_WINDOW) {
      const bits = new Uint8Array(SEQ_WINDOW / 8);
      bits[0] = 1;
      byDevice.set(deviceId, windowOf(seq, bits));
      return true;
    }
    if (seq > w.max) {
      shift(w, seq - w.max);
      w.max = seq;
      (w.bits[0] as number) |= 1;
      return true;
    }
    const i = w.max - seq;
    const byte = i >> 3;
    const bit = 1 << (i & 7);
    if (((w.bits[byte] as number) & bit) !== 0) return false;
    (w.bits[byte] as number) |= bit;
    return true;
  }

  /** Keyed `<deviceId>|<channel>`, as checkpoints have always kept them. */
  snapshot(): SeqWindowSnapshot {
    const out: SeqWindowSnapshot = {};
    for (const [channel, byDevice] of this.windows)
      for (const [deviceId, w] of byDevice)
        out[`${deviceId}|${channel}`] = [w.max, Buffer.from(w.bits).toString('base64')];
    return out;
  }

  static restore(s: SeqWindowSnapshot | undefined): SeqWindows {
    const windows = new SeqWindows();
    for (const [k, [max, bits]] of Object.entries(s ?? {})) {
      // Device ids never hold `|` (contract identifiers: [A-Za-z0-9_.-]); the channel is after the last.
      const bar = k.lastIndexOf('|');
      windows
        .channel(k.slice(bar + 1))
        .set(k.slice(0, bar), windowOf(max, new Uint8Array(Buffer.from(bits, 'base64'))));
    }
    return windows;
  }
}

/**
 * Moves every bit `n` places towards the old end (bit i → i + n), dropping what falls out. Runs for
 * nearly every message (each new seq moves the window by one), so it works on 32-bit words: bit i
 * lives in byte i >> 3 at position i & 7, which on a little-endian machine is word i >> 5 at
 * position i & 31, so the byte layout (and the checkpoint format) stays as it was.
 */
function shift({ bits, words }: Window, n: number): void {
  if (n >= SEQ_WINDOW) {
    bits.fill(0);
    return;
  }
  if (!LITTLE_ENDIAN) {
    shiftBytes(bits, n);
    return;
  }
  const whole = n >> 5;
  const b = n & 31;
  for (let i = words.length - 1; i >= 0; i--) {
    const hi = i - whole >= 0 ? (words[i - whole] as number) : 0;
    const lo = i - whole - 1 >= 0 ? (words[i - whole - 1] as number) : 0;
    words[i] = b === 0 ? hi : ((hi << b) | (lo >>> (32 - b))) >>> 0;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The same shift byte by byte (a big-endian machine). */
function shiftBytes(bits: Uint8Array, n: number): void {
  const bytes = n >> 3;
  const b = n & 7;
  // Bit i lives in byte i >> 3 at position i & 7: moving bits up is a left shift carrying from below.
  for (let i = bits.length - 1; i >= 0; i--) {
    const hi = i - bytes >= 0 ? (bits[i - bytes] as number) : 0;
    const lo = i - bytes - 1 >= 0 ? (bits[i - bytes - 1] as number) : 0;
    bits[i] = b === 0 ? hi : ((hi << b) | (lo >> (8 - b))) & 0xff;
  }
}
