import { z } from 'zod';
import { Id } from './ids.ts';
import { Consent } from './rest.ts';
import { envelope } from './socket.ts';

/**
 * Extension (issue 14 "a consent change takes effect at once"): event `consent`, type
 * `consent.changed`, sent to the sockets of the resident's facility that may see the resident (staff
 * of the facility, admins, the resident themself) when `PUT /api/residents/{id}/consent` changes it.
 * The settings are not health data (contract §4.3), and every staff board already reads them with the
 * resident list. A board re-evaluates what it shows (vitals or "not shared") and which live vitals it
 * asks for. Not an event of the log: not replayed, and its `id` is no replay position (a board that
 * reconnects reads the residents again).
 */
export const ConsentChangedData = z.object({ residentId: Id, consent: Consent });
export type ConsentChangedData = z.infer<typeof ConsentChangedData>;
export const ConsentEnvelope = envelope(z.literal('consent.changed'), ConsentChangedData);
export type ConsentEnvelope = z.infer<typeof ConsentEnvelope>;
