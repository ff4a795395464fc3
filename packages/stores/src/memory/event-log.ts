import type { LoggedEvent } from '@vigil/contracts';
import type { EventLog, NewEvent, ReplayResult } from '../types.ts';

/** Orders `<ms>-<seq>` ids as Redis Streams do. */
export function compareEventIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/**
 * In-memory event log with Redis-Stream-shaped ids. Keeps at least `retentionMs` (24 h by contract §2)
 * and at most `maxEvents`; a replay from before the oldest kept event reports `complete: false`.
 */
export class MemoryEventLog implements EventLog {
  private readonly events: LoggedEvent[] = [];
  private readonly listeners = new Set<(e: LoggedEvent) => void>();
  private lastMs = 0;
  private lastSeq = 0;
  /** Id of the newest event ever trimmed away: replays from before it are incomplete. */
  private trimmedThrough: string | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly retentionMs = 24 * 60 * 60_000,
    private readonly maxEvents = 200_000,
  ) {}

  async append(e: NewEvent): Promise<LoggedEvent> {
    const ms = Math.max(this.now(), this.lastMs);
    this.lastSeq = ms === this.lastMs ? this.lastSeq + 1 : 0;
    this.lastMs = ms;
    const id = `${ms}-${this.lastSeq}`;
    const logged = {
      event: e.event,
      envelope: { id, type: e.type, at: new Date(ms).toISOString(), facilityId: e.facilityId, data: e.data },
    } as LoggedEvent;
    this.events.push(logged);
    this.trim(ms);
    for (const l of this.listeners) {
      try {
        l(logged);
      } catch {
        // A failing listener must not stop the others nor the appender.
      }
    }
    return logged;
  }

  private trim(nowMs: number) {
    let drop = Math.max(0, this.events.length - this.maxEvents);
    while (drop < this.events.length) {
      const e = this.events[drop];
      if (!e || Date.parse(e.envelope.at) >= nowMs - this.retentionMs) break;
      drop++;
    }
    if (drop > 0) {
      this.trimmedThrough = this.events[drop - 1]?.envelope.id ?? this.trimmedThrough;
      this.events.splice(0, drop);
    }
  }

  async readAfter(afterId: string, limit = 10_000): Promise<ReplayResult> {
    const complete = this.trimmedThrough === null || compareEventIds(afterId, this.trimmedThrough) >= 0;
    const out: LoggedEvent[] = [];
    for (const e of this.events) {
      if (compareEventIds(e.envelope.id, afterId) > 0) {
        out.push(e);
        if (out.length >= limit) break;
      }
    }
    return { events: out, complete };
  }

  async lastId() {
    return this.events.at(-1)?.envelope.id ?? (this.lastMs ? `${this.lastMs}-${this.lastSeq}` : null);
  }

  subscribe(listener: (e: LoggedEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
