import { z } from 'zod';
import { Id, WireTime } from './ids.ts';

/** Location: either a GPS fix or a place in the facility (contract §1.2). */
export const Location = z.union([
  z.object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    accuracyM: z.number().nonnegative().optional(),
  }),
  z
    .object({ zoneId: Id.optional(), roomId: Id.optional() })
    .refine((l) => l.zoneId !== undefined || l.roomId !== undefined, 'zoneId or roomId required'),
]);
export type Location = z.infer<typeof Location>;

export const DEVICE_EVENT_TYPES = ['sos', 'sos_cancel', 'fall', 'wear_off', 'wear_on', 'low_battery'] as const;
export const DeviceEventType = z.enum(DEVICE_EVENT_TYPES);
export type DeviceEventType = z.infer<typeof DeviceEventType>;

/** A discrete device event (contract §1.2). */
export const DeviceEvent = z.object({
  ts: WireTime,
  seq: z.number().int().nonnegative().optional(),
  type: DeviceEventType,
  location: Location.optional(),
});
export type DeviceEvent = z.infer<typeof DeviceEvent>;
