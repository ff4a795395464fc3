export {
  createEmbeddedBroker,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
  type MqttTlsOptions,
} from './broker.ts';
export { PortInUseError } from './server.ts';
export { BrokerDownlink, DOWNLINK_QOS, type QoS } from './downlink.ts';
export { mayPublish, maySubscribe } from './acl.ts';
export type { BrokerStats, DeviceIdentity, DeviceStats } from './registry.ts';
export type { UplinkHandler } from './hooks.ts';
export type { WebSocketAttachment } from './websocket.ts';
export { PacketSizeScanner } from './packet-size-guard.ts';
export * from './external/index.ts';
