import type { Task } from '@vigil/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyTask, beginTaskReload, replaceTasks, resetTasks, TASK_LINGER_MS, tasks } from './tasks.ts';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function task(over: Partial<Task> = {}): Task {
  return {
    id: 'tk1',
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'assigned',
    assigneeId: 'carol',
    createdAt: iso(T0),
    assignedAt: iso(T0),
    acceptBy: iso(T0 + 120_000),
    completeBy: iso(T0 + 900_000),
    escalationLevel: 0,
    ...over,
  };
}

const ids = () => [...tasks.value.keys()].sort();
const stateOf = (id: string) => tasks.value.get(id)?.state;

describe('task store', () => {
  beforeEach(() => resetTasks());

  it('upserts by id and ignores an older copy', () => {
    applyTask(task(), T0);
    applyTask(task({ state: 'accepted' }), T0);
    applyTask(task(), T0); // a replayed `task.assigned`
    expect(stateOf('tk1')).toBe('accepted');
  });

  it('lets a closed task linger, then drops it and never brings it back', () => {
    applyTask(task({ state: 'done' }), T0);
    expect(ids()).toEqual(['tk1']);
    applyTask(task({ id: 'tk2' }), T0 + TASK_LINGER_MS + 1);
    expect(ids()).toEqual(['tk2']);
    applyTask(task({ state: 'done' }), T0 + TASK_LINGER_MS + 2);
    expect(ids()).toEqual(['tk2']);
  });

  it('replaces with a REST snapshot: gone tasks leave, live changes during the load are kept', () => {
    applyTask(task({ id: 'gone' }), T0);
    applyTask(task({ id: 'tk1' }), T0);
    beginTaskReload();
    applyTask(task({ id: 'tk1', state: 'in_progress' }), T0); // live, after the request went out
    applyTask(task({ id: 'new' }), T0); // live, created after the snapshot was taken
    replaceTasks([task({ id: 'tk1', state: 'accepted' }), task({ id: 'rest' })], T0);
    expect(ids()).toEqual(['new', 'rest', 'tk1']);
    expect(stateOf('tk1')).toBe('in_progress');
  });

  it('keeps a lingering closed task through a reload that no longer lists it', () => {
    applyTask(task({ state: 'done' }), T0);
    beginTaskReload();
    replaceTasks([], T0 + 1000);
    expect(stateOf('tk1')).toBe('done');
  });
});
