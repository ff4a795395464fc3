import { type Alert, DEFAULT_CONSENT, type LoggedEvent, type Role } from '@vigil/contracts';
import { ManualClock, silentLogger } from '@vigil/runtime';
import { createMemoryStores, type Stores } from '@vigil/stores';
import { AlertService, type RaiseInput, type RaiseOptions } from '../alerts/alert-service.ts';
import { RuleSettingsService } from '../rules/rule-settings-service.ts';
import { createDispatchSystem, type DispatchSystem } from './dispatch-system.ts';
import type { Actor } from './task-service.ts';

export const S = 1000;
export const MIN = 60 * S;

export interface World {
  clock: ManualClock;
  stores: Stores;
  alerts: AlertService;
  d: DispatchSystem;
  events: LoggedEvent[];
}

/** A facility with staff and residents on the memory stores, a manual clock and one engine's dispatch. */
export async function world(): Promise<World> {
  const clock = new ManualClock();
  const stores = createMemoryStores(() => clock.now());
  const alerts = new AlertService({ alerts: stores.alerts, events: stores.events, clock, locks: stores.locks });
  const ruleSettings = new RuleSettingsService({ store: stores.ruleSettings, clock });
  const d = createDispatchSystem({ stores, alerts, ruleSettings, clock, logger: silentLogger() });
  const events: LoggedEvent[] = [];
  stores.events.subscribe((e) => events.push(e));
  await stores.facilities.put({
    id: 'f1',
    name: 'Lakeside',
    zones: [
      { id: 'east', name: 'East', neighbours: ['west'] },
      { id: 'west', name: 'West', neighbours: ['east'] },
      { id: 'villas', name: 'Villas' },
    ],
  });
  const staff: [string, Role, string[] | undefined][] = [
    ['carer-e1', 'caregiver', ['east']],
    ['carer-e2', 'caregiver', ['east']],
    ['carer-w', 'caregiver', ['west']],
    ['carer-v', 'caregiver', ['villas']],
    ['manager', 'manager', undefined],
    ['doctor', 'medical', undefined],
    ['fixer', 'maintenance', undefined],
  ];
  for (const [id, role, zoneIds] of staff) {
    await stores.users.put({
      id,
      username: id,
      name: id,
      role,
      facilityIds: ['f1'],
      ...(zoneIds && { zoneIds }),
      onDuty: true,
      passwordHash: 'x',
    });
  }
  for (const [id, zoneId] of [
    ['r1', 'east'],
    ['r2', 'east'],
    ['r3', 'villas'],
  ] as const) {
    await stores.residents.put({
      id,
      facilityId: 'f1',
      name: id,
      zoneId,
      roomId: `${zoneId}-1`,
      carePlan: { onOxygen: false },
      consent: DEFAULT_CONSENT,
    });
  }
  d.dispatcher.start();
  return { clock, stores, alerts, d, events };
}

export const actor = (id: string, role: Role): Actor => ({ id, role, facilityIds: ['f1'] });

export async function raise(w: World, over: Partial<RaiseInput> = {}, options: RaiseOptions = {}): Promise<Alert> {
  const a = await w.alerts.raise(
    {
      facilityId: 'f1',
      residentId: 'r1',
      zoneId: 'east',
      roomId: 'east-1',
      kind: 'sos',
      priority: 'high',
      title: 'SOS',
      observedAt: w.clock.now(),
      explanation: { rule: 'device-event.sos@1', inputs: {}, condition: 'sos' },
      ...over,
    },
    options,
  );
  await w.d.dispatcher.idle();
  return a;
}

/** Tasks of an alert, by kind (two created in the same millisecond have no order of their own). */
export const tasksOf = async (w: World, alertId: string) =>
  (await w.stores.tasks.list({ alertId })).sort((a, b) => a.kind.localeCompare(b.kind));
export const warnings = (w: World) => w.stores.slaWarnings.list();
export const taskEvents = (w: World, taskId: string) =>
  w.events.filter((e) => e.event === 'task' && e.envelope.data.id === taskId).map((e) => e.envelope.type);

export async function passTime(w: World, ms: number, stepMs = 10 * S) {
  for (let t = 0; t < ms; t += stepMs) {
    w.clock.advance(Math.min(stepMs, ms - t));
    await w.d.deadlines.tick();
    await w.d.dispatcher.idle();
  }
}

/** A second engine process: its own services on the same stores (so the same locks and log), following the log. */
export function secondEngine(w: World): DispatchSystem {
  const alerts = new AlertService({
    alerts: w.stores.alerts,
    events: w.stores.events,
    clock: w.clock,
    locks: w.stores.locks,
  });
  const ruleSettings = new RuleSettingsService({ store: w.stores.ruleSettings, clock: w.clock });
  const d = createDispatchSystem({ stores: w.stores, alerts, ruleSettings, clock: w.clock, logger: silentLogger() });
  d.dispatcher.start();
  return d;
}
