import { z } from 'zod';

/** Roles of contract §4.2 (least privilege). */
export const ROLES = ['admin', 'manager', 'caregiver', 'medical', 'resident'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
