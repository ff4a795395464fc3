import { signal } from '@preact/signals';
import type { FacilityPolicy, FacilityPolicyPatch } from '@vigil/contracts';
import { ApiError, api, describeError } from '../api.ts';
import { fieldErrors } from './policy-form.ts';

export const policy = signal<FacilityPolicy | null>(null);
/** Every version, newest first (`GET /api/facilities/{id}/policy/history`). */
export const policyHistory = signal<readonly FacilityPolicy[]>([]);
export const policyError = signal<string | null>(null);

const base = (facilityId: string) => `/api/facilities/${encodeURIComponent(facilityId)}/policy`;

export async function loadPolicy(facilityId: string): Promise<void> {
  try {
    const [current, history] = await Promise.all([
      api<FacilityPolicy>('GET', base(facilityId)),
      api<FacilityPolicy[]>('GET', `${base(facilityId)}/history`),
    ]);
    policy.value = current;
    policyHistory.value = history;
    policyError.value = null;
  } catch (err) {
    policyError.value = describeError(err);
  }
}

export type SaveResult =
  | { ok: true; version: number; changed: boolean }
  | { ok: false; fields: Record<string, string>; message?: string };

/** `PUT` the policy; a refusal comes back by field (the server's `details`), else as a message. */
export async function savePolicy(facilityId: string, body: FacilityPolicyPatch): Promise<SaveResult> {
  const before = policy.value?.version;
  try {
    const saved = await api<FacilityPolicy>('PUT', base(facilityId), { body });
    await loadPolicy(facilityId);
    return { ok: true, version: saved.version, changed: saved.version !== before };
  } catch (err) {
    const fields = err instanceof ApiError ? fieldErrors(err.details) : {};
    return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: false, fields, message: describeError(err) };
  }
}
