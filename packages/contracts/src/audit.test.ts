import { describe, expect, it } from 'vitest';
import { AuditEntry, AuditPurpose, auditPurposeOf } from './audit.ts';
import { Task } from './task.ts';

const entry = {
  id: 'au_1',
  at: '2026-11-23T09:00:00.000Z',
  facilityId: 'f1',
  residentId: 'r1',
  actorId: 'care1',
  actorRole: 'caregiver',
  action: 'vitals.read',
  purpose: 'care',
  outcome: 'allowed',
};

describe('audit entries (contract §4.2, §4.3)', () => {
  it('keeps every purpose of a role and adds emergency as an extension', () => {
    expect(AuditPurpose.options).toEqual([
      'care',
      'consult',
      'resident_self',
      'administration',
      'maintenance',
      'emergency',
    ]);
    expect(auditPurposeOf('caregiver')).toBe('care');
    expect(auditPurposeOf('medical')).toBe('consult');
  });

  it('validates an emergency access entry naming its alert and task', () => {
    const emergency = { ...entry, purpose: 'emergency', detail: 'emergency access: alert al_1, task tk_1' };
    expect(AuditEntry.safeParse(emergency).success).toBe(true);
    expect(AuditEntry.safeParse({ ...entry, purpose: 'urgent' }).success).toBe(false);
  });
});

describe('task emergencyAccess flag (contract §4.3, extension)', () => {
  const task = {
    id: 'tk_1',
    facilityId: 'f1',
    kind: 'onsite_check',
    role: 'caregiver',
    priority: 'high',
    state: 'assigned',
    alertId: 'al_1',
    residentId: 'r1',
    assigneeId: 'care1',
    createdAt: '2026-11-23T09:00:00.000Z',
    acceptBy: '2026-11-23T09:02:00.000Z',
    completeBy: '2026-11-23T09:12:00.000Z',
    escalationLevel: 0,
    context: { news2: { score: 7 } },
  };

  it('is optional and only ever true', () => {
    expect(Task.safeParse(task).success).toBe(true);
    expect(Task.safeParse({ ...task, emergencyAccess: true }).success).toBe(true);
    expect(Task.safeParse({ ...task, emergencyAccess: false }).success).toBe(false);
  });
});
