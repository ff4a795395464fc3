import { z } from 'zod';
import { Id } from './ids.ts';

/** Retained status; the Last Will carries `{"state":"offline"}` (contract §1). */
export const DeviceStatus = z.object({ state: z.enum(['online', 'offline']) });
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** Platform → device commands (contract §1). */
export const DeviceCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vibrate'), alertId: z.string() }),
  /**
   * Extension (issue 15): the device's resident moved to another facility and the device moves with
   * them; from its next connection it publishes and subscribes under `care/{facilityId}/devices/{id}/`.
   */
  z.object({ type: z.literal('rebind'), facilityId: Id }),
]);
export type DeviceCommand = z.infer<typeof DeviceCommand>;
