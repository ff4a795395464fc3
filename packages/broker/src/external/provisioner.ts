import { DEFAULT_TOPIC_PREFIX, ID_PATTERN } from '@vigil/contracts';
import { type Clock, type Logger, silentLogger, systemClock } from '@vigil/runtime';
import mqtt from 'mqtt';
import type { BackoffOptions } from './backoff.ts';
import { ManagedConnection } from './connection.ts';
import {
  DEFAULT_ACL_ACCESS,
  type DynsecAcl,
  deviceAcls,
  deviceRoleName,
  PLATFORM_ROLE,
  platformAcls,
  sameAcls,
} from './dynsec-acl.ts';
import { getClient, isBound, isDeviceClient, listClients } from './device-clients.ts';
import { type DynsecCommand, DynsecChannel, type DynsecResponse } from './dynsec-channel.ts';
import { commandFailed, DynsecError } from './errors.ts';
import { isPlatformClientId, provisionerClientId } from './platform-client-ids.ts';
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
/** `modifyClient`s per control message when binding existing device clients. */
const BIND_BATCH = 100;

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
      clientId: this.opts.clientId ?? provisionerClientId(),
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

  /**
   * The engine workers' client and role (`platformAcls`); a second call updates password and ACLs.
   * Every Vigil process calls this when it starts, and Mosquitto disconnects every connection of a
   * client whose record is modified: all engines log in as this one client, so an engine starting
   * would cut every running engine's connections (measured: 17 at once, then a redelivery storm).
   * Only what differs is changed: the role when its ACLs differ, the client when its role is missing
   * or the password no longer logs in.
   */
  async ensurePlatformClient(credentials: { username: string; password: string }): Promise<void> {
    await this.ensureRole(PLATFORM_ROLE, platformAcls(this.prefix, this.group));
    const existing = await getClient((commands) => this.channel.send(commands), credentials.username);
    const current =
      existing?.roles.some((r) => r.rolename === PLATFORM_ROLE) === true &&
      existing.clientid === undefined &&
      (await this.logsIn(credentials));
    // Not bound to a client id: the engines connect as many (platform-client-ids.ts).
    if (!current)
      await this.upsertClient({
        username: credentials.username,
        password: credentials.password,
        rolename: PLATFORM_ROLE,
      });
    this.log.info({ username: credentials.username, changed: !current }, 'mosquitto platform client ready');
  }

  /** Whether Mosquitto accepts these credentials now (a short connection of the provisioner's own). */
  private async logsIn(credentials: { username: string; password: string }): Promise<boolean> {
    try {
      const probe = await mqtt.connectAsync(this.opts.url, {
        username: credentials.username,
        password: credentials.password,
        clientId: provisionerClientId(),
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      });
      await probe.endAsync(true);
      return true;
    } catch (err) {
      // Refused (or unreachable): set the client as given, as before this check.
      this.log.info(
        { err, username: credentials.username },
        'platform credentials not accepted as they are: setting them',
      );
      return false;
    }
  }

  /** A role with exactly these ACLs, modified only when they differ (a modification disconnects its clients). */
  private async ensureRole(rolename: string, acls: DynsecAcl[]): Promise<void> {
    const [response] = await this.channel.send([{ command: 'getRole', rolename }]);
    const role = (response?.data as { role?: { acls?: DynsecAcl[] } } | undefined)?.role;
    if (!response?.error && role?.acls && sameAcls(role.acls, acls)) return;
    await this.upsertRole(rolename, acls);
  }

  /**
   * A device's client, bound to client id = device id (contract §1), and role (`deviceAcls`).
   * Provisioning again replaces the secret and the ACL (e.g. a new secret, or the device moved to
   * another facility). Refused (`DYNSEC_RESERVED_ID`) for an id that is not a device's to take.
   */
  async provisionDevice(device: DeviceCredentials): Promise<void> {
    checkId('deviceId', device.deviceId);
    checkId('facilityId', device.facilityId);
    await this.checkDeviceIdFree(device.deviceId);
    const role = deviceRoleName(device.deviceId);
    await this.upsertRole(role, deviceAcls(this.prefix, device.facilityId, device.deviceId));
    await this.upsertClient({ username: device.deviceId, password: device.secret, rolename: role, bindClientId: true });
    this.log.info({ deviceId: device.deviceId, facilityId: device.facilityId }, 'device provisioned on mosquitto');
  }

  /**
   * contract §1 for device clients provisioned before client ids were bound: binds each to client
   * id = device id (`modifyClient`, which makes Mosquitto close the device's connection; it
   * reconnects with its own id). Idempotent, cheap once done: run at every platform start, before
   * the engines consume. Resolves with how many it bound.
   */
  async bindDeviceClientIds(): Promise<number> {
    const send = (commands: DynsecCommand[]) => this.channel.send(commands);
    const unbound = (await listClients(send)).filter((c) => isDeviceClient(c) && !isBound(c));
    for (let i = 0; i < unbound.length; i += BIND_BATCH) {
      const batch = unbound.slice(i, i + BIND_BATCH);
      const responses = await send(
        batch.map((c) => ({ command: 'modifyClient', username: c.username, clientid: c.username })),
      );
      const failure = responses.find((r) => r.error);
      if (failure) throw commandFailed(failure);
    }
    if (unbound.length > 0) this.log.info({ devices: unbound.length }, 'device clients bound to their client id');
    return unbound.length;
  }

  /**
   * The device moved to another facility (a resident's transfer, issue 15): its role's ACL becomes
   * that facility's topics (`modifyRole` replaces the list), and `modifyClient` re-binding its client
   * id makes Mosquitto close its connection, so it reconnects and subscribes under the new topics.
   * The secret is kept (Mosquitto holds only its hash; the platform never had it since provisioning).
   */
  async rebindDevice(deviceId: string, facilityId: string): Promise<void> {
    checkId('deviceId', deviceId);
    checkId('facilityId', facilityId);
    await this.upsertRole(deviceRoleName(deviceId), deviceAcls(this.prefix, facilityId, deviceId));
    await this.run({ command: 'modifyClient', username: deviceId, clientid: deviceId });
    this.log.info({ deviceId, facilityId }, 'device re-bound on mosquitto');
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
    for (const r of [client, role]) if (r?.error && !NOT_FOUND.test(r.error)) throw commandFailed(r);
    this.log.info({ deviceId }, 'device removed from mosquitto');
  }

  private async upsertRole(rolename: string, acls: DynsecAcl[]): Promise<void> {
    const [created] = await this.channel.send([{ command: 'createRole', rolename, acls }]);
    if (!created?.error) return;
    if (!ALREADY_EXISTS.test(created.error)) throw commandFailed(created);
    // modifyRole with `acls` replaces the role's whole ACL list.
    await this.run({ command: 'modifyRole', rolename, acls });
  }

  /**
   * A device id must name no client but a device's (else provisioning would replace, say, the
   * platform's password and role) and no client id of the platform's own connections (else the
   * device, bound to that id, would take over an engine's session).
   */
  private async checkDeviceIdFree(deviceId: string): Promise<void> {
    const reserved = (why: string) => new DynsecError('DYNSEC_RESERVED_ID', `device id ${deviceId} ${why}`);
    if (isPlatformClientId(deviceId)) throw reserved("is in the platform's client-id space");
    const existing = await getClient((commands) => this.channel.send(commands), deviceId);
    if (existing && !isDeviceClient(existing)) throw reserved('is the username of a client that is not a device');
  }

  private async upsertClient(c: { username: string; password: string; rolename: string; bindClientId?: boolean }) {
    const fields = {
      username: c.username,
      password: c.password,
      roles: [{ rolename: c.rolename }],
      ...(c.bindClientId && { clientid: c.username }),
    };
    const [created] = await this.channel.send([{ command: 'createClient', ...fields }]);
    if (!created?.error) return;
    if (!ALREADY_EXISTS.test(created.error)) throw commandFailed(created);
    await this.run({ command: 'modifyClient', ...fields });
  }

  private async run(command: DynsecCommand): Promise<DynsecResponse> {
    const [response] = await this.channel.send([command]);
    if (!response) throw new DynsecError('DYNSEC_COMMAND_FAILED', `no response to ${command.command}`, command.command);
    if (response.error) throw commandFailed(response);
    return response;
  }

  async close(): Promise<void> {
    this.channel.failAll(new DynsecError('DYNSEC_OFFLINE', 'provisioner closed'));
    await this.connection?.close();
  }
}

/** An id outside the contract's pattern could put `+`, `#` or `/` into an ACL topic. */
function checkId(field: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new DynsecError('DYNSEC_INVALID_ID', `${field} must match ${ID_PATTERN.source}`);
  }
}
