import type { Clock, Logger } from '@vigil/runtime';
import type { Stores } from '@vigil/stores';
import type { AlertService } from '../alerts/alert-service.ts';
import type { RuleSettingsService } from '../rules/rule-settings-service.ts';
import { DeadlineRunner } from './deadline-runner.ts';
import { Dispatcher } from './dispatcher.ts';
import { PolicyService } from './policy-service.ts';
import { SlaMonitor } from './sla-monitor.ts';
import { TaskService } from './task-service.ts';

/**
 * Dispatch and SLA wired together (issue 4): policy, SLA monitor, tasks, the dispatcher that follows
 * alerts, and the deadline runner. One per engine process; `start()` follows the event log and fires
 * deadlines on the injected clock.
 */
export function createDispatchSystem(deps: {
  stores: Stores;
  alerts: AlertService;
  ruleSettings: RuleSettingsService;
  clock: Clock;
  logger: Logger;
}) {
  const { stores, clock, logger } = deps;
  const policy = new PolicyService({ store: stores.policies, clock });
  const sla = new SlaMonitor({ stores, policy, clock });
  const tasks = new TaskService({ stores, policy, sla, clock, logger });
  const dispatcher = new Dispatcher({ stores, tasks, ruleSettings: deps.ruleSettings, policy, clock, logger });
  const deadlines = new DeadlineRunner({ stores, alerts: deps.alerts, tasks, dispatcher, sla, policy, clock, logger });
  let unsubscribe: (() => void) | undefined;
  return {
    policy,
    sla,
    tasks,
    dispatcher,
    deadlines,
    start(tickMs?: number) {
      unsubscribe ??= dispatcher.start();
      deadlines.start(tickMs);
    },
    async stop() {
      deadlines.stop();
      unsubscribe?.();
      unsubscribe = undefined;
      await dispatcher.idle();
    },
  };
}

export type DispatchSystem = ReturnType<typeof createDispatchSystem>;
