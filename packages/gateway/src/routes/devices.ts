import { hashNewDeviceSecret } from '@vigil/auth';
import { CreateDeviceRequest, type DeviceDetail, Id, toIso } from '@vigil/contracts';
import { newId, newSecret } from '@vigil/runtime';
import type { DeviceRecord } from '@vigil/stores';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { ApiError, badRequest, conflict } from '../errors.ts';
import { linkNext, PageParams, pageById, pageQuery } from '../paging.ts';
import { deviceInScope, facilityScope, inScope } from '../scope.ts';
import { IdParams } from './facilities.ts';
import { closeRetiredDeviceAlerts } from './retire-device-alerts.ts';
import { facilityToProvision } from './provisioning.ts';

const STAFF = ['admin', 'manager', 'caregiver', 'medical'] as const;

async function toDetail(ctx: GatewayContext, d: DeviceRecord): Promise<DeviceDetail> {
  return {
    id: d.id,
    kind: d.kind,
    ...(d.profile !== undefined && { profile: d.profile }),
    facilityId: d.facilityId,
    ...(d.residentId !== undefined && { residentId: d.residentId }),
    ...(d.zoneId !== undefined && { zoneId: d.zoneId }),
    ...(d.roomId !== undefined && { roomId: d.roomId }),
    state: d.state,
    lastSeenAt: d.lastSeenAt !== undefined ? toIso(d.lastSeenAt) : null,
    ...(d.battery !== undefined && { battery: d.battery }),
    counters: await ctx.stores.counters.get(d.id),
  };
}

/**
 * Takes a device out of service (contract §4.1 `DELETE /api/devices/{id}`, also a resident's transfer
 * with `devices: "decommission"`): state `decommissioned` (the broker refuses it from now on, §1),
 * `device.updated` to the boards, its live connection dropped, its own alerts closed. Changes
 * `device` in place; idempotent.
 */
export async function decommissionDevice(
  ctx: GatewayContext,
  device: DeviceRecord,
  log: Pick<FastifyBaseLogger, 'error'>,
): Promise<void> {
  if (device.state !== 'decommissioned') {
    const now = ctx.clock.now();
    await ctx.stores.devices.touch(device.id, { state: 'decommissioned', lastSeenAt: now });
    device.state = 'decommissioned';
    device.lastSeenAt = now;
    // Boards learn it live like any other device change (contract §2 `device.updated`).
    await ctx.stores.events.append({
      event: 'device',
      type: 'device.updated',
      facilityId: device.facilityId,
      data: {
        deviceId: device.id,
        ...(device.residentId !== undefined && { residentId: device.residentId }),
        state: 'decommissioned',
        lastSeenAt: toIso(now),
      },
    });
    try {
      ctx.onDeviceDecommissioned?.(device.id);
    } catch (err) {
      log.error({ err, deviceId: device.id }, 'onDeviceDecommissioned failed');
    }
  }
  // Also on a repeated DELETE: an offline status in flight during the first may have raised one since.
  await closeRetiredDeviceAlerts(ctx, device);
}

/**
 * Devices (contract §4.1): provisioning returns the secret once; only its hash is stored (§1), an
 * HMAC under the pepper bound to the device store (issue 12; packages/auth/src/device-secret-binding.ts).
 */
export const deviceRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  const { devices, residents } = ctx.stores;

  app.post('/', { schema: { body: CreateDeviceRequest } }, async (req, reply) => {
    const user = userOf(req);
    const body = req.body;
    await facilityToProvision(ctx, user, body.facilityId, body.zoneId);
    if (body.residentId !== undefined) {
      const resident = await residents.get(body.residentId);
      if (resident?.facilityId !== body.facilityId) {
        throw badRequest(`resident ${body.residentId} does not live in facility ${body.facilityId}`);
      }
    }
    if (body.profile !== undefined && body.kind !== 'wearable') {
      throw badRequest('profile describes a wearable; a sensor has none');
    }
    const id = body.id ?? newId('dev');
    if (await devices.get(id)) throw conflict(`device ${id} already exists`);
    const secret = newSecret();
    if (ctx.onDeviceProvisioned) {
      try {
        await ctx.onDeviceProvisioned({ id, facilityId: body.facilityId, secret });
      } catch (err) {
        // The external broker refuses an id that is not a device's to take (its platform login, its
        // admin, the platform's client ids): not an outage, so no "try again".
        if ((err as { code?: unknown }).code === 'DYNSEC_RESERVED_ID') throw conflict(`device id ${id} is reserved`);
        req.log.error({ err, deviceId: id }, 'device provisioning in the broker failed');
        throw new ApiError('unavailable', 'the MQTT broker could not be reached to provision the device; try again');
      }
    }
    await devices.put({
      id,
      kind: body.kind,
      ...(body.kind === 'wearable' && { profile: body.profile ?? 'wristband' }),
      facilityId: body.facilityId,
      ...(body.residentId !== undefined && { residentId: body.residentId }),
      ...(body.zoneId !== undefined && { zoneId: body.zoneId }),
      ...(body.roomId !== undefined && { roomId: body.roomId }),
      secretHash: await hashNewDeviceSecret(ctx.deviceSecrets, secret),
      state: 'provisioned',
      createdAt: ctx.clock.now(),
    });
    req.log.info({ deviceId: id, facilityId: body.facilityId }, 'device provisioned');
    return reply.status(201).send({ id, secret });
  });

  // In id order, a page at a time (docs/api.md "Paging").
  app.get(
    '/',
    { schema: { querystring: z.object({ facilityId: Id.optional(), ...PageParams }) } },
    async (req, reply) => {
      const user = userOf(req);
      requireRole(user, ...STAFF);
      const scope = facilityScope(user, req.query.facilityId);
      const list = (await devices.list()).filter(
        (device) =>
          (scope === undefined || scope.includes(device.facilityId)) && inScope(user, { kind: 'device', device }),
      );
      const page = pageById(list, pageQuery('devices', req.query));
      linkNext(req, reply, 'devices', page.next);
      return Promise.all(page.items.map((d) => toDetail(ctx, d)));
    },
  );

  app.get('/:id', { schema: { params: IdParams } }, async (req) => {
    const user = userOf(req);
    const device = await deviceInScope(ctx, user, req.params.id);
    requireRole(user, ...STAFF);
    return toDetail(ctx, device);
  });

  app.delete('/:id', { schema: { params: IdParams } }, async (req) => {
    const user = userOf(req);
    const device = await deviceInScope(ctx, user, req.params.id);
    requireRole(user, 'admin', 'manager');
    await decommissionDevice(ctx, device, req.log);
    return toDetail(ctx, device);
  });
};
