import type { Task } from '@vigil/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tasksByAlert, whoHas } from './alert-tasks.ts';
import { session } from './session.ts';
import { applyTask, resetTasks } from './tasks.ts';
import { team } from './team.ts';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function task(over: Partial<Task>): Task {
  return {
    id: 'tk1',
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'assigned',
    alertId: 'al1',
    createdAt: iso(T0),
    acceptBy: iso(T0 + 120_000),
    completeBy: iso(T0 + 900_000),
    escalationLevel: 0,
    ...over,
  };
}

describe('the tasks of each alert', () => {
  beforeEach(() => resetTasks());
  afterEach(() => {
    session.value = null;
    team.value = [];
  });

  it('lists an alert’s tasks oldest first, leaving out cancelled ones and tasks of no alert', () => {
    applyTask(task({ id: 'consult', kind: 'remote_consult', role: 'medical', createdAt: iso(T0 + 60_000) }));
    applyTask(task({ id: 'visit' }));
    applyTask(task({ id: 'old', state: 'cancelled', createdAt: iso(T0 - 60_000) }));
    applyTask(task({ id: 'other', alertId: 'al2' }));
    applyTask(task({ id: 'loose', alertId: undefined }));
    expect(tasksByAlert.value.get('al1')?.map((t) => t.id)).toEqual(['visit', 'consult']);
    expect(tasksByAlert.value.get('al2')?.map((t) => t.id)).toEqual(['other']);
    expect(tasksByAlert.value.size).toBe(2);
  });

  it('names who has a task: you, a colleague the board knows, or "someone", never an id', () => {
    session.value = {
      token: 't',
      expiresAt: iso(T0 + 900_000),
      user: { id: 'carol', role: 'caregiver', facilityIds: ['f1'] },
    } as typeof session.value;
    team.value = [{ id: 'li', name: 'Li Na', role: 'caregiver', onDuty: true, load: 1 }];
    expect(whoHas({ assigneeId: 'carol' }, 'a colleague')).toEqual({ name: '', you: true });
    expect(whoHas({ assigneeId: 'li' }, 'a colleague')).toEqual({ name: 'Li Na', you: false });
    expect(whoHas({ assigneeId: 'u_7f3a' }, 'a colleague')).toEqual({ name: 'a colleague', you: false });
    expect(whoHas({}, 'a colleague')).toEqual({ name: 'a colleague', you: false });
  });
});
