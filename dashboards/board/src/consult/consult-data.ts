import { computed, signal } from '@preact/signals';
import type { HealthReport, Task } from '@vigil/contracts';
import { ApiError, api, asList } from '../api.ts';
import { session } from '../session.ts';
import { taskStep } from '../task-data.ts';
import { myTasks, tasks } from '../tasks.ts';
import { isClosed } from '../tasks-format.ts';
import type { ChartRange, HistoryPoint } from './chart-data.ts';
import { STEP_MS } from './chart-data.ts';

const DAY_MS = 24 * 3600_000;

/** The consult the doctor has open in the detail pane. */
export const selectedConsult = signal<string | null>(null);
/** Consults this doctor finished in the last 24 h (REST, plus those finished on this board since). */
export const finishedConsults = signal<ReadonlyMap<string, Task>>(new Map());

const isConsult = (t: Task) => t.kind === 'remote_consult';

/** Waiting and under way: the doctor's own first, then open ones of the role (the board's "My tasks" order). */
export const consultQueue = computed(() => myTasks.value.filter((t) => isConsult(t) && !isClosed(t)));

/** Finished ones, newest first: from REST and from the live task map (a consult finished on this board). */
export const finishedList = computed(() => {
  const me = session.value?.user.id;
  const all = new Map(finishedConsults.value);
  for (const t of tasks.value.values()) if (isConsult(t) && t.state === 'done' && t.assigneeId === me) all.set(t.id, t);
  return [...all.values()].sort((a, b) => (b.completedAt ?? '').localeCompare(a.completedAt ?? ''));
});

/** A consult by id, wherever the board has it (queue, live map, finished list). */
export const consultById = (id: string): Task | undefined => tasks.value.get(id) ?? finishedConsults.value.get(id);

/** Loads the consults this doctor finished in the last 24 h; their notes come back only under consent. */
export async function loadFinishedConsults(): Promise<void> {
  const from = Date.now() - DAY_MS;
  const list = asList<Task>(
    await api<unknown>('GET', `/api/tasks?state=done&assignee=me&from=${from}&limit=200`),
    'tasks',
  );
  finishedConsults.value = new Map(list.filter(isConsult).map((t) => [t.id, t]));
}

export async function acceptConsult(id: string): Promise<void> {
  await taskStep(id, 'accept');
}

/** Finishes the consult with the doctor's note; the answer (with the note) joins the finished list. */
export async function completeConsult(id: string, note: string): Promise<void> {
  await taskStep(id, 'complete', note);
  // The board's task map drops a finished task after a short linger; the finished list keeps it.
  const done = tasks.value.get(id);
  if (done?.state === 'done') finishedConsults.value = new Map(finishedConsults.value).set(done.id, done);
}

/** `withheld`: the resident's consent does not cover this user (403), shown as such, not as an error. */
export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ok'; value: T }
  | { state: 'withheld' }
  | { state: 'failed'; reason: string };

async function loaded<T>(load: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { state: 'ok', value: await load() };
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return { state: 'withheld' };
    return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface History {
  fromMs: number;
  toMs: number;
  stepMs: number;
  points: HistoryPoint[];
}

/** The vitals history of one window, one reading per vital per step (the gateway keeps the last). */
export function loadHistory(residentId: string, hours: ChartRange, nowMs = Date.now()): Promise<Loaded<History>> {
  const stepMs = STEP_MS[hours];
  const toMs = nowMs;
  const fromMs = toMs - hours * 3600_000;
  return loaded(async () => {
    const body = await api<{ points?: HistoryPoint[] }>(
      'GET',
      `/api/residents/${encodeURIComponent(residentId)}/vitals?from=${fromMs}&to=${toMs}&step=${stepMs}`,
    );
    return { fromMs, toMs, stepMs, points: body.points ?? [] };
  });
}

/** The health status report (contract §4.4), default window the last 24 h. */
export function loadReport(residentId: string): Promise<Loaded<HealthReport>> {
  return loaded(() => api<HealthReport>('GET', `/api/residents/${encodeURIComponent(residentId)}/report`));
}

export function resetConsult(): void {
  selectedConsult.value = null;
  finishedConsults.value = new Map();
}
