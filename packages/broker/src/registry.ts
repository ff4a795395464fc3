import type { Client } from 'aedes';

/** Who an authenticated MQTT connection is: the device it proved to be (contract §1). */
export interface DeviceIdentity {
  deviceId: string;
  facilityId: string;
}

export interface DeviceStats {
  aclViolations: number;
  refusedSubscriptions: number;
}

export interface BrokerStats {
  connectedDevices: number;
  authFailures: number;
  /** CONNECTs whose client id was not the device id (contract §1, return code 2). */
  identifierRejections: number;
  aclViolations: number;
  refusedSubscriptions: number;
  oversizedPackets: number;
  uplinkFailures: number;
  byDevice: Record<string, DeviceStats>;
}

/**
 * Authenticated connections and ACL counters. The identity is attached to the aedes client object
 * by authentication, never derived from the client id (which only has to equal the username).
 */
export class DeviceRegistry {
  private readonly identities = new WeakMap<Client, DeviceIdentity>();
  private readonly byDevice = new Map<string, Set<Client>>();
  private readonly perDevice = new Map<string, DeviceStats>();
  private readonly totals = { authFailures: 0, identifierRejections: 0, oversizedPackets: 0, uplinkFailures: 0 };

  attach(client: Client, identity: DeviceIdentity): void {
    this.identities.set(client, identity);
  }

  identity(client: Client | null | undefined): DeviceIdentity | undefined {
    return client ? this.identities.get(client) : undefined;
  }

  /** Called once the connection is accepted (CONNACK 0 sent). */
  connected(client: Client): void {
    const id = this.identity(client);
    if (!id) return;
    let set = this.byDevice.get(id.deviceId);
    if (!set) {
      set = new Set();
      this.byDevice.set(id.deviceId, set);
    }
    set.add(client);
  }

  disconnected(client: Client): void {
    const id = this.identity(client);
    if (!id) return;
    const set = this.byDevice.get(id.deviceId);
    set?.delete(client);
    if (set?.size === 0) this.byDevice.delete(id.deviceId);
  }

  clientsOf(deviceId: string): Client[] {
    return [...(this.byDevice.get(deviceId) ?? [])];
  }

  private device(deviceId: string): DeviceStats {
    let s = this.perDevice.get(deviceId);
    if (!s) {
      s = { aclViolations: 0, refusedSubscriptions: 0 };
      this.perDevice.set(deviceId, s);
    }
    return s;
  }

  countAclViolation(deviceId: string): void {
    this.device(deviceId).aclViolations++;
  }
  countRefusedSubscription(deviceId: string): void {
    this.device(deviceId).refusedSubscriptions++;
  }
  countAuthFailure(): void {
    this.totals.authFailures++;
  }
  countIdentifierRejected(): void {
    this.totals.identifierRejections++;
  }
  countOversizedPacket(): void {
    this.totals.oversizedPackets++;
  }
  countUplinkFailure(): void {
    this.totals.uplinkFailures++;
  }

  stats(): BrokerStats {
    const byDevice: Record<string, DeviceStats> = {};
    let aclViolations = 0;
    let refusedSubscriptions = 0;
    for (const [id, s] of this.perDevice) {
      byDevice[id] = { ...s };
      aclViolations += s.aclViolations;
      refusedSubscriptions += s.refusedSubscriptions;
    }
    return { ...this.totals, connectedDevices: this.byDevice.size, aclViolations, refusedSubscriptions, byDevice };
  }
}
