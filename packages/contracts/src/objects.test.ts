import { describe, expect, it } from 'vitest';
import { Alert } from './alert.ts';
import { News2 } from './news2.ts';
import { CreateResidentRequest, CreateUserRequest, LoginResponse } from './rest.ts';
import { SlaWarning } from './sla.ts';
import { AlertEnvelope, SubscribeVitalsRequest, VitalsEnvelope } from './socket.ts';
import { Task } from './task.ts';
import { deviceTopic, parseDeviceTopic } from './topics.ts';

const alert = {
  id: 'al_1',
  facilityId: 'f1',
  residentId: 'r1',
  kind: 'vital.hr_high',
  priority: 'medium',
  state: 'active',
  title: 'Heart rate high: 125 bpm',
  explanation: { rule: 'vital-threshold.hr_high@1', inputs: { hr: 125 }, condition: 'hr ≥ 120 bpm' },
  raisedAt: '2026-11-23T09:00:00.000Z',
  lastSeenAt: '2026-11-23T09:00:00.000Z',
  occurrences: 1,
  escalationLevel: 0,
};

describe('objects (contract §3)', () => {
  it('validates an alert and its envelope', () => {
    expect(Alert.safeParse(alert).success).toBe(true);
    expect(Alert.safeParse({ ...alert, kind: 'vital.mood' }).success).toBe(false);
    expect(Alert.safeParse({ ...alert, priority: 'critical' }).success).toBe(false);
    expect(Alert.safeParse({ ...alert, occurrences: 0 }).success).toBe(false);
    expect(Alert.safeParse({ ...alert, outcome: 'self_cleared', state: 'resolved' }).success).toBe(true);
    const env = {
      id: '1795342506384-0',
      type: 'alert.raised',
      at: '2026-11-23T09:00:00.000Z',
      facilityId: 'f1',
      data: alert,
    };
    expect(AlertEnvelope.safeParse(env).success).toBe(true);
    expect(AlertEnvelope.safeParse({ ...env, type: 'alert.deleted' }).success).toBe(false);
  });

  it('validates tasks and SLA warnings', () => {
    const task = {
      id: 'tk_1',
      facilityId: 'f1',
      kind: 'onsite_check',
      role: 'caregiver',
      priority: 'high',
      state: 'open',
      createdAt: '2026-11-23T09:00:00.000Z',
      acceptBy: '2026-11-23T09:02:00.000Z',
      completeBy: '2026-11-23T09:15:00.000Z',
      escalationLevel: 0,
    };
    expect(Task.safeParse(task).success).toBe(true);
    expect(Task.safeParse({ ...task, state: 'paused' }).success).toBe(false);
    const w = {
      id: 'sw_1',
      facilityId: 'f1',
      kind: 'accept_overdue',
      taskId: 'tk_1',
      limitMs: 120000,
      actualMs: 180000,
      detail: 'x',
      raisedAt: '2026-11-23T09:03:00.000Z',
    };
    expect(SlaWarning.safeParse(w).success).toBe(true);
    expect(SlaWarning.safeParse({ ...w, kind: 'late' }).success).toBe(false);
  });

  it('validates NEWS2 and the vitals event', () => {
    const news2 = {
      score: 5,
      risk: 'medium',
      partial: true,
      missing: ['sbp'],
      subscores: { rr: 2, hr: 3 },
      at: '2026-11-23T09:00:00.000Z',
    };
    expect(News2.safeParse(news2).success).toBe(true);
    expect(News2.safeParse({ ...news2, score: 21 }).success).toBe(false);
    const v = {
      id: 'x',
      type: 'vitals.sample',
      at: news2.at,
      facilityId: 'f1',
      data: { residentId: 'r1', ts: news2.at, hr: 80, news2 },
    };
    expect(VitalsEnvelope.safeParse(v).success).toBe(true);
  });
});

describe('REST bodies (contract §4)', () => {
  it('validates users and residents', () => {
    const u = { username: 'mei', password: 'long-password', name: 'Mei', role: 'caregiver', facilityIds: ['f1'] };
    expect(CreateUserRequest.safeParse(u).success).toBe(true);
    expect(CreateUserRequest.safeParse({ ...u, role: 'root' }).success).toBe(false);
    expect(CreateUserRequest.safeParse({ ...u, password: 'short' }).success).toBe(false);
    expect(CreateUserRequest.safeParse({ ...u, facilityIds: ['../etc'] }).success).toBe(false);
    const r = {
      facilityId: 'f1',
      name: 'Li',
      zoneId: 'z1',
      roomId: '101',
      carePlan: { spo2Scale: 2, thresholds: { hr: { high: 110 } } },
    };
    expect(CreateResidentRequest.safeParse(r).success).toBe(true);
    expect(CreateResidentRequest.safeParse({ ...r, carePlan: { spo2Scale: 3 } }).success).toBe(false);
    expect(CreateResidentRequest.safeParse({ ...r, carePlan: { thresholds: { mood: { low: 1 } } } }).success).toBe(
      false,
    );
  });
  it('validates login responses and socket requests', () => {
    expect(
      LoginResponse.safeParse({
        token: 't',
        expiresAt: '2026-11-23T21:00:00.000Z',
        user: { id: 'u', role: 'admin', facilityIds: [] },
      }).success,
    ).toBe(true);
    expect(SubscribeVitalsRequest.safeParse({ residentIds: ['r1'] }).success).toBe(true);
    expect(SubscribeVitalsRequest.safeParse({ residentIds: 'r1' }).success).toBe(false);
  });
});

describe('topics', () => {
  it('builds and parses device topics', () => {
    expect(deviceTopic('care', 'f1', 'd1', 'vitals')).toBe('care/f1/devices/d1/vitals');
    expect(parseDeviceTopic('care', 'care/f1/devices/d1/vitals')).toEqual({
      facilityId: 'f1',
      deviceId: 'd1',
      channel: 'vitals',
    });
    expect(parseDeviceTopic('care', 'care/f1/devices/d1/other')).toBeUndefined();
    expect(parseDeviceTopic('care', 'care/f1/devices/d1/vitals/x')).toBeUndefined();
    expect(parseDeviceTopic('care', 'other/f1/devices/d1/vitals')).toBeUndefined();
    expect(parseDeviceTopic('care', 'care/f 1/devices/d1/vitals')).toBeUndefined();
  });
});
