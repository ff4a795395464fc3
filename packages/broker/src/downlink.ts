import type { Aedes } from 'aedes';
import { deviceTopic, type DeviceCommand, type DownlinkChannel, type IngestErrorMessage } from '@vigil/contracts';
import type { DeviceDownlink } from '@vigil/engine';

export type QoS = 0 | 1 | 2;

/** Publishes as the platform itself (no client: passes the ACL hook, contract §1). */
export function publishAsPlatform(aedes: Aedes, topic: string, payload: Buffer | string, qos: QoS): Promise<void> {
  return new Promise((resolve, reject) => {
    aedes.publish(
      {
        cmd: 'publish',
        topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        qos,
        retain: false,
        dup: false,
      },
      (err) => (err ? reject(err) : resolve()),
    );
  });
}

/** contract §1: `errors` at QoS 0, `commands` at QoS 1, on the device's own topics. */
export const DOWNLINK_QOS: Record<DownlinkChannel, QoS> = { errors: 0, commands: 1 };

export class BrokerDownlink implements DeviceDownlink {
  constructor(
    private readonly aedes: Aedes,
    private readonly prefix: string,
  ) {}

  publish(
    facilityId: string,
    deviceId: string,
    channel: DownlinkChannel,
    payload: IngestErrorMessage | DeviceCommand,
  ): Promise<void> {
    const topic = deviceTopic(this.prefix, facilityId, deviceId, channel);
    return publishAsPlatform(this.aedes, topic, JSON.stringify(payload), DOWNLINK_QOS[channel]);
  }
}
