import { CreateDeviceRequest, CreateDeviceResponse, Id } from '@vigil/contracts';
import type { DeviceSpec } from './types.ts';

/**
 * One entry of a `--devices` file: what `POST /api/devices` was given plus what it returned
 * (contract §4.1). `facilityId` defaults to `--facility`, `kind` to `wearable`.
 */
const DeviceFileEntry = CreateDeviceRequest.omit({ id: true })
  .partial({ facilityId: true, kind: true })
  .extend({ deviceId: Id, secret: CreateDeviceResponse.shape.secret });

/** Parses a devices file's JSON text; throws an Error listing every problem. */
export function parseDevicesFile(text: string, defaultFacilityId: string): DeviceSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`devices file is not JSON: ${(err as Error).message}`);
  }
  const parsed = DeviceFileEntry.array().min(1).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`);
    throw new Error(`devices file is invalid:\n${problems.join('\n')}`);
  }
  return parsed.data.map((d) => ({
    ...d,
    facilityId: d.facilityId ?? defaultFacilityId,
    kind: d.kind ?? 'wearable',
  }));
}
