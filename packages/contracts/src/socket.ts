import { z } from 'zod';
import { Id, IsoTime } from './ids.ts';
import { Alert } from './alert.ts';
import { Task } from './task.ts';
import { SlaWarning } from './sla.ts';
import { News2 } from './news2.ts';
import { perVital, VITAL_KEYS } from './vitals.ts';
import type { ConsentEnvelope } from './consent-event.ts';
import type { ReportEnvelope } from './report-event.ts';

/** Envelope of every server → client event (contract §2). `id` is opaque and ordered. */
export const envelope = <T extends z.ZodType>(type: z.ZodType<string>, data: T) =>
  z.object({ id: z.string(), type, at: IsoTime, facilityId: Id, data });

export const ALERT_EVENT_TYPES = [
  'alert.raised',
  'alert.updated',
  'alert.reraised',
  'alert.acknowledged',
  'alert.escalated',
  'alert.resolved',
] as const;
export const TASK_EVENT_TYPES = [
  'task.created',
  'task.assigned',
  'task.accepted',
  'task.started',
  'task.completed',
  'task.reassigned',
  'task.escalated',
  'task.cancelled',
] as const;
export const DEVICE_EVENT_TYPES_WIRE = ['device.online', 'device.offline', 'device.updated'] as const;

export const DeviceState = z.enum(['provisioned', 'online', 'offline', 'decommissioned']);
export type DeviceState = z.infer<typeof DeviceState>;

export const DeviceEventData = z.object({
  deviceId: Id,
  residentId: Id.optional(),
  state: DeviceState,
  battery: z.number().optional(),
  lastSeenAt: IsoTime.optional(),
});
export type DeviceEventData = z.infer<typeof DeviceEventData>;

export const VitalsEventData = z.object({
  residentId: Id,
  ts: IsoTime,
  ...perVital(VITAL_KEYS, () => z.number().optional()),
  news2: News2.optional(),
});
export type VitalsEventData = z.infer<typeof VitalsEventData>;

export const SyncData = z.object({
  lastEventId: z.string().nullable(),
  replayed: z.number().int(),
  complete: z.boolean(),
});
export type SyncData = z.infer<typeof SyncData>;

export const AlertEnvelope = envelope(z.enum(ALERT_EVENT_TYPES), Alert);
export const TaskEnvelope = envelope(z.enum(TASK_EVENT_TYPES), Task);
export const SlaEnvelope = envelope(z.literal('sla.warning'), SlaWarning);
export const DeviceEnvelope = envelope(z.enum(DEVICE_EVENT_TYPES_WIRE), DeviceEventData);
export const VitalsEnvelope = envelope(z.literal('vitals.sample'), VitalsEventData);
export const SyncEnvelope = envelope(z.literal('sync.done'), SyncData);

export type AlertEnvelope = z.infer<typeof AlertEnvelope>;
export type TaskEnvelope = z.infer<typeof TaskEnvelope>;
export type SlaEnvelope = z.infer<typeof SlaEnvelope>;
export type DeviceEnvelope = z.infer<typeof DeviceEnvelope>;
export type VitalsEnvelope = z.infer<typeof VitalsEnvelope>;
export type SyncEnvelope = z.infer<typeof SyncEnvelope>;

/** Any event that goes through the event log, keyed by its Socket.IO event name. */
export type LoggedEvent =
  | { event: 'alert'; envelope: AlertEnvelope }
  | { event: 'task'; envelope: TaskEnvelope }
  | { event: 'sla'; envelope: SlaEnvelope }
  | { event: 'device'; envelope: DeviceEnvelope }
  | { event: 'report'; envelope: ReportEnvelope };
export type SocketEventName = LoggedEvent['event'] | 'vitals' | 'sync';

/**
 * Extension (issue 13 "fail fast, say so"): event `service`, sent by a gateway to its sockets when its
 * state store stops or starts answering again. While `unavailable`, no event reaches the socket (the
 * event log cannot be read) and REST answers 503: a board shows that it is not live rather than a quiet
 * facility. After `available`, events resume where they stopped (nothing is lost: the log kept them).
 * Not an event of the log: no `id`, no facility.
 */
export const ServiceStatus = z.object({
  type: z.enum(['service.unavailable', 'service.available']),
  at: IsoTime,
  /** What is missing, while unavailable. */
  dependency: z.literal('redis').optional(),
  /** Seconds a client should wait before it tries REST again, while unavailable. */
  retryAfterS: z.number().int().positive().optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/** Server → client events (contract §2), shared by the gateway and every dashboard. */
export interface ServerToClientEvents {
  alert: (e: AlertEnvelope) => void;
  task: (e: TaskEnvelope) => void;
  sla: (e: SlaEnvelope) => void;
  device: (e: DeviceEnvelope) => void;
  vitals: (e: VitalsEnvelope) => void;
  sync: (e: SyncEnvelope) => void;
  service: (e: ServiceStatus) => void;
  /** Extension (issue 14): a resident's consent changed (consent-event.ts). */
  consent: (e: ConsentEnvelope) => void;
  /** A resident's NEWS2 risk level changed (contract §2, §4.4; report-event.ts). */
  report: (e: ReportEnvelope) => void;
}

export const SubscribeVitalsRequest = z.object({ residentIds: z.array(Id).max(500) });
export type SubscribeVitalsAck = { ok: true } | { error: { code: string; message: string } };
export const ReceiptRequest = z.object({ alertId: z.string().min(1).max(128) });

/** Client → server events (contract §2). */
export interface ClientToServerEvents {
  'subscribe:vitals': (req: { residentIds: string[] }, ack?: (res: SubscribeVitalsAck) => void) => void;
  receipt: (req: { alertId: string }) => void;
}

/** Socket.IO handshake auth (contract §2). */
export const SocketAuth = z.object({ token: z.string().min(1), lastEventId: z.string().optional() });
