import { randomBytes } from 'node:crypto';
import { DEFAULT_TOPIC_PREFIX, ID_PATTERN } from '@vigil/contracts';
import { type Clock, type Logger, silentLogger, systemClock } from '@vigil/runtime';
import type { BackoffOptions } from './backoff.ts';
import { ManagedConnection } from './connection.ts';
import {
  DEFAULT_ACL_ACCESS,
  type DynsecAcl,
  deviceAcls,
  deviceRoleName,
  PLATFORM_ROLE,
  platformAcls,
} from './dynsec-acl.ts';
import { type DynsecCommand, DynsecChannel, type DynsecResponse } from './dynsec-channel.ts';
import { DynsecError } from './errors.ts';
import { DEFAULT_SHARE_GROUP } from './uplink.ts';

export interface MosquittoProvisionerOptions {
  /** The Mosquitto with the dynamic-security plugin, e.g. `mqtt://mosquitto:1883`. */
  url: string;
  /** A dynsec admin (e.g. made by `mosquitto_ctrl dynsec init <file> <user>`). */
  username: string;
  password: string;
  /** contract §1: `care`, configurable. */
  topicPrefix?: string;
  /** Shared-subscription group the platform role may subscribe with. Default `vigil`. */
  shareGroup?: string;
  clientId?: string;
  /** How long each command waits for its response. Default 10 s. */
  commandTimeoutMs?: number;
  startTimeoutMs?: number;
  reconnect?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
}

export interface DeviceCredentials {
  deviceId: string;
  facilityId: string;
  /** The secret returned once at provisioning; Mosquitto stores its own salted hash of it. */
  secret: string;
}

/** Mosquitto 2.0.11's error texts for the idempotent cases. */
const ALREADY_EXISTS = /already exists/i;
const NOT_FOUND = /not found/i;

/**
 * Device authentication and the contract §1 ACL enforced by Mosquitto itself, provisioned by the
 * platform through the dynamic-security plugin over `$CONTROL/dynamic-security/v1`: per device a
 * client (username = device id, password = secret) with a role of its own topics; for the engine
 * workers a client with the platform role. Every command awaits its response; a failure is a
 * `DynsecError` with Mosquitto's text in `detail`. The operations are idempotent.
 */
export class MosquittoProvisioner {
  private readonly prefix: string;
  private readonly group: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private connection: ManagedConnection | undefined;
  private readonly channel: DynsecChannel;

  constructor(private readonly opts: MosquittoProvisionerOptions) {
    this.prefix = opts.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    this.group = opts.shareGroup ?? DEFAULT_SHARE_GROUP;
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? silentLogger()).child({ module: 'mqtt-provisioner' });
    this.channel = new DynsecChannel({
      client: () => this.connection?.mqtt,
      connected: () => this.connection?.connected ?? false,
      timeoutMs: opts.commandTimeoutMs ?? 10_000,
      clock: this.clock,
      log: this.log,
    });
  }

  /** Connects as the dynsec admin; rejects with `ExternalBrokerError` like `ExternalBroker.start`. */
  start(): Promise<void> {
    if (this.connection) throw new Error('MosquittoProvisioner already started');
    this.connection = new ManagedConnection({
      url: this.opts.url,
      username: this.opts.username,
      password: this.opts.password,
      clientId: this.opts.clientId ?? `vigil-provisioner-${randomBytes(4).toString('hex')}`,
      keepaliveS: 30,
      startTimeoutMs: this.opts.startTimeoutMs ?? 30_000,
      ...(this.opts.reconnect && { reconnect: this.opts.reconnect }),
      clock: this.clock,
      log: this.log,
      onCreated: (client) => this.channel.attach(client),
      onConnected: (client) => this.channel.subscribe(client),
    });
    return this.connection.start();
  }

  /** Connected as the dynsec admin; commands fail fast with `DYNSEC_OFFLINE` while not. */
  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  /** Raw commands, for what the methods below do not cover; responses in order, errors not thrown. */
  command(commands: DynsecCommand[]): Promise<DynsecResponse[]> {
    return this.channel.send(commands);
  }

  /** Deny by default: publishing, delivery and subscribing need a role's ACL (contract §1). */
  async applyDefaultAcl(): Promise<void> {
    await this.run({ command: 'setDefaultACLAccess', acls: DEFAULT_ACL_ACCESS });
    this.log.info('mosquitto default acl set to deny');
  }

  /** The engine workers' client and role (`platformAcls`); a second call updates password and ACLs. */
  async ensurePlatformClient(credentials: { username: string; password: string }): Promise<void> {
    await this.upsertRole(PLATFORM_ROLE, platformAcls(this.prefix, this.group));
    await this.upsertClient(credentials.username, credentials.password, PLATFORM_ROLE);
    this.log.info({ username: credentials.username }, 'mosquitto platform client ready');
  }

  /**
   * A device's client and role (`deviceAcls`). Provisioning again replaces the secret and the ACL
   * (e.g. a new secret, or the device moved to another facility).
   */
  async provisionDevice(device: DeviceCredentials): Promise<void> {
    checkId('deviceId', device.deviceId);
    checkId('facilityId', device.facilityId);
    const role = deviceRoleName(device.deviceId);
    await this.upsertRole(role, deviceAcls(this.prefix, device.facilityId, device.deviceId));
    await this.upsertClient(device.deviceId, device.secret, role);
    this.log.info({ deviceId: device.deviceId, facilityId: device.facilityId }, 'device provisioned on mosquitto');
  }

  /**
   * contract §1: a decommissioned device is refused. `deleteClient` also disconnects its live
   * connections (Mosquitto kicks them, without publishing their Last Will). Unknown is fine.
   */
  async decommissionDevice(deviceId: string): Promise<void> {
    checkId('deviceId', deviceId);
    const [client, role] = await this.channel.send([
      { command: 'deleteClient', username: deviceId },
      { command: 'deleteRole', rolename: deviceRoleName(deviceId) },
    ]);
    for (const r of [client, role]) if (r?.error && !NOT_FOUND.test(r.error)) throw failed(r);
    this.log.info({ deviceId }, 'device removed from mosquitto');
  }

  private async upsertRole(rolename: string, acls: DynsecAcl[]): Promise<void> {
    const [created] = await this.channel.send([{ command: 'createRole', rolename, acls }]);
    if (!created?.error) return;
    if (!ALREADY_EXISTS.test(created.error)) throw failed(created);
    // modifyRole with `acls` replaces the role's whole ACL list.
    await this.run({ command: 'modifyRole', rolename, acls });
  }

  private async upsertClient(username: string, password: string, rolename: string): Promise<void> {
    const roles = [{ rolename }];
    const [created] = await this.channel.send([{ command: 'createClient', username, password, roles }]);
    if (!created?.error) return;
    if (!ALREADY_EXISTS.test(created.error)) throw failed(created);
    await this.run({ command: 'modifyClient', username, password, roles });
  }

  private async run(command: DynsecCommand): Promise<DynsecResponse> {
    const [response] = await this.channel.send([command]);
    if (!response) throw new DynsecError('DYNSEC_COMMAND_FAILED', `no response to ${command.command}`, command.command);
    if (response.error) throw failed(response);
    return response;
  }

  async close(): Promise<void> {
    this.channel.failAll(new DynsecError('DYNSEC_OFFLINE', 'provisioner closed'));
    await this.connection?.close();
  }
}

function failed(r: DynsecResponse): DynsecError {
  return new DynsecError('DYNSEC_COMMAND_FAILED', `${r.command} failed: ${r.error}`, r.command, r.error);
}

/** An id outside the contract's pattern could put `+`, `#` or `/` into an ACL topic. */
function checkId(field: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new DynsecError('DYNSEC_INVALID_ID', `${field} must match ${ID_PATTERN.source}`);
  }
}
