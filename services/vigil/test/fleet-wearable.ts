import mqtt, { type MqttClient } from 'mqtt';

/** Where a wearable connects: its first broker, then the next on every reconnect (a TCP balancer). */
export type BrokerPorts = readonly number[];

/**
 * A wearable of a fault test: QoS 1 with a persistent session (`clean: false`), so mqtt.js keeps every
 * publish without a PUBACK in its outgoing store and sends it again after a reconnect (MQTT-4.4.0-1),
 * which is what real firmware does. Publishes are not awaited one by one: like a device on a timer,
 * it keeps sending while earlier ones wait for their PUBACK. It records which seqs were acknowledged.
 */
export class FleetWearable {
  /** Vitals seqs the platform acknowledged (PUBACK). */
  readonly acked = new Set<number>();
  /** Publishes (vitals and events) sent and not yet acknowledged. */
  private readonly unacked = new Set<Promise<unknown>>();
  /** Publishes whose PUBACK came while `hold` said none may. */
  ackedWhileHeld = 0;
  reconnects = 0;
  private holdAcks = false;
  private failure: Error | undefined;

  private constructor(
    readonly deviceId: string,
    private readonly client: MqttClient,
    /** Device time of seq 1 (one device second per sample). */
    private readonly t0: number,
  ) {
    client.on('reconnect', () => this.reconnects++);
  }

  static async connect(deviceId: string, secret: string, ports: BrokerPorts, t0: number): Promise<FleetWearable> {
    const client = await mqtt.connectAsync({
      servers: ports.map((port) => ({ host: '127.0.0.1', port })),
      protocol: 'mqtt',
      protocolVersion: 4,
      username: deviceId,
      password: secret,
      clientId: deviceId,
      clean: false,
      // Back within a fraction of a second (firmware would back off longer; the test has no time).
      reconnectPeriod: 200,
      connectTimeout: 5_000,
    });
    (client.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
    return new FleetWearable(deviceId, client, t0);
  }

  /** Device time of sample `seq`. */
  tsOf(seq: number): number {
    return this.t0 + (seq - 1) * 1000;
  }

  /** Vitals sample `seq` (1, 2, …), one device second after the one before. */
  sample(seq: number, hr: number, facilityId = 'f1'): void {
    const body = { ts: this.tsOf(seq), seq, hr, spo2: 97, rr: 16, worn: true };
    this.publish(`care/${facilityId}/devices/${this.deviceId}/vitals`, body, () => this.acked.add(seq));
  }

  /** An SOS press at the device time of sample `atSeq`. */
  sos(atSeq: number, facilityId = 'f1'): void {
    const body = { ts: this.tsOf(atSeq), seq: atSeq, type: 'sos' };
    this.publish(`care/${facilityId}/devices/${this.deviceId}/events`, body, () => undefined);
  }

  /** From now on any PUBACK is counted in `ackedWhileHeld` (the platform must not acknowledge). */
  hold(on: boolean): void {
    this.holdAcks = on;
  }

  /** Publishes sent and not yet acknowledged. */
  pending(): number {
    return this.unacked.size;
  }

  /** Resolves once every publish so far is acknowledged; rejects if one failed. */
  async settled(): Promise<void> {
    while (this.unacked.size > 0) await Promise.race(this.unacked);
    if (this.failure) throw this.failure;
  }

  end(): Promise<void> {
    return this.client.endAsync(true);
  }

  private publish(topic: string, body: unknown, onAck: () => void): void {
    const p = this.client.publishAsync(topic, JSON.stringify(body), { qos: 1 }).then(
      () => {
        if (this.holdAcks) this.ackedWhileHeld++;
        onAck();
      },
      (err: Error) => {
        this.failure ??= err;
      },
    );
    this.unacked.add(p);
    void p.finally(() => this.unacked.delete(p));
  }
}
