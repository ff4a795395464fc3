import { type Resident, toIso, TransferResidentRequest } from '@vigil/contracts';
import { DomainError } from '@vigil/engine';
import type { DeviceRecord } from '@vigil/stores';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { canSeeVitals } from '../access.ts';
import { requireRole, userOf } from '../auth-guard.ts';
import type { GatewayContext, RouteOptions } from '../context.ts';
import { badRequest } from '../errors.ts';
import { residentWithoutHealth } from '../health-redaction.ts';
import { decommissionDevice } from './devices.ts';
import { IdParams } from './facilities.ts';
import { facilityToProvision } from './provisioning.ts';
import { assertResidentInScope, assertValidCarePlan, loadResident } from './residents.ts';

/** What became of one of the resident's devices; `broker: false` when the broker could not be told. */
interface DeviceOutcome {
  id: string;
  action: 'rebound' | 'decommissioned';
  broker?: boolean;
}

/**
 * Care that travels (issue 15 item 4, contract §4.1 `POST /api/residents/{id}/transfer`): the resident
 * moves to another facility of this deployment. The record keeps its id, so everything keyed by it
 * stays: care plan, consent, vitals history, and the engine's rule memory (personal baselines live
 * under the subject `resident:{id}` in the partition that id hashes to, whatever the facility). Open
 * alerts at the old facility resolve as `transferred`; the devices are re-bound or decommissioned;
 * both facilities' audit chains record it.
 *
 * Who: an admin, or a manager of both facilities (a facility of someone else's is 404, never 403).
 */
export const residentTransferRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { ctx }) => {
  app.post('/:id/transfer', { schema: { params: IdParams, body: TransferResidentRequest } }, async (req) => {
    const user = userOf(req);
    const resident = await loadResident(ctx, user, req.params.id);
    const { toFacilityId, devices: choice } = req.body;
    const from = resident.facilityId;
    // Ids and the choice only: a transfer's reason may be clinical, so none is asked for or kept.
    const detail = `from ${from} to ${toFacilityId}; devices ${choice}`;
    const moved = await ctx.audit.around(
      user,
      resident,
      'resident.transfer',
      async () => {
        assertResidentInScope(user, resident);
        requireRole(user, 'admin', 'manager');
        if (toFacilityId === from) throw badRequest(`resident ${resident.id} already lives in facility ${from}`);
        // The same zone id unless another is named; the new facility must have it (400 otherwise).
        const zoneId = req.body.zoneId ?? resident.zoneId;
        await facilityToProvision(ctx, user, toFacilityId, zoneId);
        // The care plan travels as it is: it must fit the new facility's rules as the engine applies them.
        await assertValidCarePlan(ctx, toFacilityId, resident.carePlan ?? {});
        return transfer(ctx, req.log, resident, {
          toFacilityId,
          zoneId,
          roomId: req.body.roomId ?? resident.roomId,
          choice,
          by: user.id,
        });
      },
      detail,
    );
    // The new facility's chain records the arrival (the old one's is the `around` entry above).
    ctx.audit.record(user, moved.resident, 'resident.transfer', 'allowed', detail);
    // Live vitals follow the resident too: the old facility's sockets leave the stream at once (the
    // same re-evaluation as a consent change), and the new facility's boards hear of their consent.
    await ctx.realtime.consentChanged(moved.resident);
    req.log.info(
      { residentId: resident.id, from, to: toFacilityId, devices: choice, by: user.id },
      'resident transferred',
    );
    return {
      resident: canSeeVitals(user, moved.resident) ? moved.resident : residentWithoutHealth(moved.resident),
      fromFacilityId: from,
      toFacilityId,
      devices: moved.devices,
      resolvedAlertIds: moved.resolvedAlertIds,
    };
  });
};

interface TransferPlan {
  toFacilityId: string;
  zoneId: string;
  roomId: string;
  choice: 'rebind' | 'decommission';
  by: string;
}

/**
 * The move itself, in the order that leaves no gap: the record first (new readings are judged for the
 * new facility), then the devices (a re-bound device's next message lands there), then the old
 * facility's open alerts (nothing raised there after the record moved is left open).
 */
async function transfer(ctx: GatewayContext, log: FastifyBaseLogger, resident: Resident, plan: TransferPlan) {
  const from = resident.facilityId;
  const fresh = (await ctx.stores.residents.get(resident.id)) ?? resident;
  const moved: Resident = { ...fresh, facilityId: plan.toFacilityId, zoneId: plan.zoneId, roomId: plan.roomId };
  await ctx.stores.residents.put(moved);

  const devices: DeviceOutcome[] = [];
  for (const device of await ctx.stores.devices.list({ residentId: resident.id })) {
    if (device.state === 'decommissioned' || device.facilityId !== from) continue;
    if (plan.choice === 'decommission') {
      await decommissionDevice(ctx, device, log);
      devices.push({ id: device.id, action: 'decommissioned' });
    } else {
      devices.push(await rebind(ctx, log, device, plan));
    }
  }

  const resolvedAlertIds: string[] = [];
  const open = await ctx.stores.alerts.list({ facilityId: from, residentId: resident.id, state: 'open' });
  for (const alert of open) {
    try {
      // The usual `alert.resolved`: boards of the old facility see it, its tasks and deadlines stop.
      await ctx.alerts.resolve(alert.id, plan.by, 'transferred', `resident transferred to ${plan.toFacilityId}`);
      resolvedAlertIds.push(alert.id);
    } catch (err) {
      // Resolved by someone else meanwhile: nothing left to do for it.
      if (!(err instanceof DomainError && err.code === 'illegal_state')) throw err;
    }
  }
  return { resident: moved, devices, resolvedAlertIds };
}

/**
 * A re-bound device belongs to the new facility: its record (topics are `care/{facility}/devices/{id}/…`,
 * contract §1, so its ACL follows the record) and, through `onDeviceRebound`, the broker, which sends it
 * a `rebind` command on its old `commands` topic and drops the connection authorised for the old
 * topics. Its next connection is authorised for the new ones; a message still under the old facility
 * is refused at admission (the topic's facility is not the device's).
 */
async function rebind(
  ctx: GatewayContext,
  log: FastifyBaseLogger,
  device: DeviceRecord,
  plan: TransferPlan,
): Promise<DeviceOutcome> {
  const current = (await ctx.stores.devices.get(device.id)) ?? device;
  const { zoneId: _zone, roomId: _room, ...rest } = current;
  // The resident's zone and room are where their wearable is; the old facility's ids mean nothing here.
  await ctx.stores.devices.put({ ...rest, facilityId: plan.toFacilityId, zoneId: plan.zoneId, roomId: plan.roomId });
  await ctx.stores.events.append({
    event: 'device',
    type: 'device.updated',
    facilityId: plan.toFacilityId,
    data: {
      deviceId: current.id,
      ...(current.residentId !== undefined && { residentId: current.residentId }),
      state: current.state,
      ...(current.battery !== undefined && { battery: current.battery }),
      ...(current.lastSeenAt !== undefined && { lastSeenAt: toIso(current.lastSeenAt) }),
    },
  });
  if (!ctx.onDeviceRebound) return { id: current.id, action: 'rebound' };
  try {
    await ctx.onDeviceRebound({ id: current.id, fromFacilityId: current.facilityId, toFacilityId: plan.toFacilityId });
    return { id: current.id, action: 'rebound', broker: true };
  } catch (err) {
    log.error({ err, deviceId: current.id }, 'the broker could not be told of a re-bound device');
    return { id: current.id, action: 'rebound', broker: false };
  }
}
