import { z } from 'zod';
import type { PlannedStep, StepKind } from './model';

// The parameters of each step kind, validated once: the planner builds them through these schemas
// (a planner bug fails the preview, not a step hours later) and a step module receives them parsed,
// as `ctx.params`, typed for its kind. Stored runs keep them as plain JSON.

const names = z.array(z.string());

export const STEP_PARAM_SCHEMAS = {
  checkPrerequisites: z.object({}),
  provisionFinanceOps: z.object({ name: z.string().optional(), demoData: z.boolean().default(false) }),
  provisionDataverse: z.object({ name: z.string(), crmPrime: z.boolean().default(true) }),
  installDualWriteSolutions: z.object({ packages: names }),
  linkEnvironments: z.object({ legalEntities: names, optionalLegalEntities: names.default([]) }),
  applySolution: z.object({}),
  enableEntityMaps: z.object({ maps: names }),
  createCompany: z.object({ code: z.string(), name: z.string() }),
  addCompanyToConnection: z.object({ codes: names }),
  bootstrapCompanyData: z.object({ companyCode: z.string(), tables: names }),
  initialSync: z.object({
    maps: names,
    /** The same maps in dependency stages (each stage needs only earlier ones), for the preview. */
    stages: z.array(names).default([]),
    /** Maps synced before the map their lookups point to (a documented circular reference). */
    deferred: z.array(z.object({ map: z.string(), lookupTo: z.string() })).default([]),
    legalEntities: names,
    master: z.enum(['dataverse', 'financeOps']).default('dataverse'),
    /** Maps that depend on the synced ones: enabled once the initial sync ran. */
    enableAfter: names.default([]),
  }),
  verifySetup: z.object({
    legalEntities: names,
    companyCode: z.string().optional(),
    bootstrapTables: names.default([]),
  }),
} satisfies Record<StepKind, z.ZodTypeAny>;

export type StepParams<K extends StepKind> = z.output<(typeof STEP_PARAM_SCHEMAS)[K]>;
export type StepParamsInput<K extends StepKind> = z.input<(typeof STEP_PARAM_SCHEMAS)[K]>;

export function parseStepParams<K extends StepKind>(kind: K, raw: unknown): StepParams<K> {
  return STEP_PARAM_SCHEMAS[kind].parse(raw) as StepParams<K>;
}

/** The parameters of a planned step of a known kind (another step of the run, read by a later one). */
export function paramsOfStep<K extends StepKind>(step: PlannedStep, kind: K): StepParams<K> | undefined {
  return step.kind === kind ? parseStepParams(kind, step.params) : undefined;
}
