import { type Alert, ALERT_KIND_TITLES, type Resident } from '@vigil/contracts';

/**
 * What is left of health content where the resident's consent does not cover a viewer (contract
 * §4.2: "health content (care plan, vitals, an alert's `explanation.inputs` and any value in its
 * title, location) is left out of every response and event, lists included"). Pure: who may see is
 * decided by the callers (access.ts consent, emergency-access.ts), this only says what remains.
 */

/** The plain name of each alert kind (in @vigil/contracts, which the engine's SLA warnings use too). */
export { ALERT_KIND_TITLES } from '@vigil/contracts';

const WITHHELD_CONDITION = "withheld: the resident's consent does not cover your role";

/**
 * An alert about a resident without its health content: the kind's plain name as title, no
 * `explanation.inputs` (the readings, NEWS2) and no `condition` (it names the resident's care-plan
 * limits and scores); the rule, window and path stay (they say why an alert exists, not what the
 * resident's values are). Marked `healthWithheld` so a board can say "not shared" rather than guess.
 * Facility alerts (no resident) are about a building, not a person, and pass unchanged.
 */
export function withoutHealthContent(alert: Alert): Alert {
  if (alert.residentId === undefined) return alert;
  return {
    ...alert,
    title: ALERT_KIND_TITLES[alert.kind],
    explanation: { ...alert.explanation, inputs: {}, condition: WITHHELD_CONDITION },
    healthWithheld: true,
  };
}

/** A resident record as a viewer receives it: with the care plan, or without it and marked so. */
export type ResidentView = Resident | (Omit<Resident, 'carePlan' | 'carePlanVersion'> & { healthWithheld: true });

/**
 * A resident record without its care plan (thresholds, oxygen, waking hours: clinical decisions about
 * the person). Name, room, zone and the consent settings stay: they are what staff need to find the
 * person, and the consent settings are not health data (contract §4.3).
 */
export function residentWithoutHealth(resident: Resident): ResidentView {
  const { carePlan: _hidden, carePlanVersion: _version, ...rest } = resident;
  return { ...rest, healthWithheld: true };
}
