import { type ConsentEnvelope, type Resident, toIso } from '@vigil/contracts';
import { scopeOf } from '../scope.ts';
import { facilityRoom, type VigilServer } from './types.ts';

/**
 * Tells the boards of the resident's facility that the resident changed their consent (extension
 * `consent`, packages/contracts consent-event.ts), on every gateway: `fetchSockets` goes through the
 * adapter. Only sockets whose user may see the resident record get it (staff of the facility, admins,
 * the resident themself; not maintenance staff, who never see people). Sent after the vitals rooms
 * were left (socket-server.ts `consentChanged`), so a board that re-evaluates on it finds the server
 * already agreeing.
 */
export async function announceConsent(io: VigilServer, resident: Resident, at: number, id: string): Promise<void> {
  const envelope: ConsentEnvelope = {
    id,
    type: 'consent.changed',
    at: toIso(at),
    facilityId: resident.facilityId,
    data: { residentId: resident.id, consent: { ...resident.consent } },
  };
  const sockets = await io.in(facilityRoom(resident.facilityId)).fetchSockets();
  for (const s of sockets) {
    if (scopeOf(s.data.user, { kind: 'resident', resident }) === 'in_scope') s.emit('consent', envelope);
  }
}
