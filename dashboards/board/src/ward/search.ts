/**
 * Finding a resident by name or room the way carers type it: "12", "12号", "１２" (full-width digits
 * from a Chinese input method), "Room 12", "12室"; names without regard to case or width.
 */

/** Full-width forms to ASCII (NFKC), lower case, single spaces. */
export function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Words around a room number that say "room" and are not part of it. */
const ROOM_WORDS = /^(?:room|rm\.?|no\.?|#|房间|房|室)\s*|\s*(?:号房|号|室|房|房间)$/g;

/** The number a query names, if it is a room number with or without its words ("12号" → "12"). */
export function roomNumberOf(query: string): string | undefined {
  const q = normalise(query).replace(ROOM_WORDS, '').trim();
  return /^\d+$/.test(q) ? q : undefined;
}

export interface Searchable {
  name: string;
  roomId: string;
}

/**
 * A room-number query matches rooms whose number starts with it (typing "1" then "12" narrows as
 * the carer types); any other query matches a name or room containing it.
 */
export function matchesSearch(r: Searchable, query: string): boolean {
  const q = normalise(query);
  if (!q) return true;
  const room = normalise(r.roomId);
  const num = roomNumberOf(q);
  if (num !== undefined) {
    const numbers = room.match(/\d+/g) ?? [];
    return numbers.some((n) => n.startsWith(num) || String(Number(n)).startsWith(num));
  }
  return normalise(r.name).includes(q) || room.includes(q);
}
