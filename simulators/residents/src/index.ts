export { checkUplink, type CheckResult } from './contract-check.ts';
export { DeviceClient, type DeviceClientOptions, type DeviceClientStats } from './device-client.ts';
export { DeviceGenerator, type DeviceGeneratorOptions } from './device-generator.ts';
export { parseDevicesFile } from './devices-file.ts';
export { Fleet, type FleetOptions } from './fleet.ts';
export { batchPayloads, OFFLINE_STATUS, ONLINE_STATUS } from './payloads.ts';
export { provisionDevices, type ProvisionOptions, retireDevices, simulatedResidentId } from './provision.ts';
export { ResidentModel, type ResidentModelOptions, type ResidentReading } from './resident-model.ts';
export { hashSeed, Rng } from './rng.ts';
export {
  isScenarioName,
  MALFORMED_KINDS,
  MIXED,
  SCENARIO_NAMES,
  sensorScenarioFor,
  sensorScenarios,
  wearableScenarioFor,
  wearableScenarios,
} from './scenarios/index.ts';
export type * from './scenarios/types.ts';
export { SensorModel, type SensorReading } from './sensor-model.ts';
export { createSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
export type { GeneratedCounts, SimulatorStats } from './stats.ts';
export { formatSummary } from './summary.ts';
export type * from './types.ts';
export { systemClock } from './types.ts';
