import { z } from 'zod';

// The five supported setup scenarios of docs/domain.md §2 (Microsoft's "Guidance for dual-write setup") and the
// inputs each one needs: no more, no less. This module is the seam between the conversation (which
// asks for these values on a card) and the engine (which plans from them).

export const SCENARIO_IDS = [
  'new-new',
  'new-existing',
  'new-demo-new',
  'new-demo-existing',
  'existing-existing',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];
export const scenarioIdSchema = z.enum(SCENARIO_IDS);

/** F&O company id (DataAreaId): 1-4 letters or digits, stored upper case (docs/domain.md §4). */
export const companyCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,4}$/, 'A company code is 1 to 4 letters or digits, e.g. DAT or USMF.')
  .transform((code) => code.toUpperCase());

/** A name for an environment the bot will create. */
export const environmentNameSchema = z
  .string()
  .trim()
  .min(3, 'An environment name has at least 3 characters.')
  .max(40, 'An environment name has at most 40 characters.')
  .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'Use letters, digits and hyphens, starting with a letter.');

/** The URL of an existing environment (F&O host or Dataverse org). */
export const environmentUrlSchema = z
  .string()
  .trim()
  .url('Enter the full URL, e.g. https://contoso.crm.dynamics.com.')
  .refine((url) => /^https?:\/\//i.test(url), 'The URL must start with https://.')
  .transform((url) => url.replace(/\/+$/, ''));

export const masterSchema = z.enum(['dataverse', 'financeOps']);

/**
 * Which F&O-side app the admin runs. Human Resources inside F&O supports dual-write; the standalone
 * Dynamics 365 Human Resources app does not (seed), so choosing it is refused with that explanation.
 */
export const FINANCE_OPS_APPS = ['finance-and-operations', 'human-resources-standalone'] as const;
export const financeOpsAppSchema = z.enum(FINANCE_OPS_APPS).default('finance-and-operations');
export const STANDALONE_HR_REFUSAL =
  "Human Resources in Finance and Operations supports dual-write connections, but the Dynamics 365 Human Resources app doesn't. Set up dual-write against the Finance and Operations environment that hosts Human Resources instead.";
/** Hosts of the standalone Human Resources app (formerly Talent). */
export const STANDALONE_HR_HOST = /\.hr\.talent\.dynamics\.com$/i;

const mapNames = z.array(z.string().min(1).max(100)).max(50).default([]);
const companyCodes = z.array(companyCodeSchema).max(40, 'An initial sync takes at most 40 legal entities.');

/** Company-specific Dataverse tables (entity set names) that bootstrapping can stamp. */
export const bootstrapTablesSchema = z
  .array(z.string().regex(/^[a-z_]+$/))
  .min(1)
  .max(20)
  .default(['accounts', 'contacts']);

const newNew = z.object({
  scenario: z.literal('new-new'),
  financeOpsApp: financeOpsAppSchema,
  financeOpsName: environmentNameSchema,
  dataverseName: environmentNameSchema,
});

const newExisting = z.object({
  scenario: z.literal('new-existing'),
  financeOpsApp: financeOpsAppSchema,
  financeOpsName: environmentNameSchema,
  dataverseUrl: environmentUrlSchema,
  companyCode: companyCodeSchema,
  companyName: z.string().trim().min(1).max(60),
  bootstrapTables: bootstrapTablesSchema,
  initialSyncEntities: mapNames,
  master: masterSchema.default('dataverse'),
});

const newDemoNew = z.object({
  scenario: z.literal('new-demo-new'),
  financeOpsApp: financeOpsAppSchema,
  financeOpsName: environmentNameSchema,
  dataverseName: environmentNameSchema,
  demoLegalEntities: companyCodes.min(1, 'Choose at least one demo company.'),
  initialSyncEntities: mapNames,
});

const newDemoExisting = z.object({
  scenario: z.literal('new-demo-existing'),
  financeOpsApp: financeOpsAppSchema,
  financeOpsName: environmentNameSchema,
  dataverseUrl: environmentUrlSchema,
  demoLegalEntities: companyCodes.min(1, 'Choose at least one demo company.'),
  companyCode: companyCodeSchema,
  companyName: z.string().trim().min(1).max(60),
  bootstrapTables: bootstrapTablesSchema,
  initialSyncEntities: mapNames,
  master: masterSchema.default('dataverse'),
});

const existingExisting = z.object({
  scenario: z.literal('existing-existing'),
  financeOpsApp: financeOpsAppSchema,
  financeOpsUrl: environmentUrlSchema,
  /** Exactly one of these: an existing Dataverse org URL, or a name for a new one. */
  dataverseUrl: environmentUrlSchema.optional(),
  dataverseName: environmentNameSchema.optional(),
  legalEntities: companyCodes.min(1, 'Choose at least one legal entity to link.'),
  /** The company existing company-less Dataverse rows belong to; absent when there is nothing to bootstrap. */
  companyCode: companyCodeSchema.optional(),
  bootstrapTables: bootstrapTablesSchema,
  initialSyncEntities: mapNames,
  master: masterSchema.default('dataverse'),
});

export const setupInputSchema = z
  .discriminatedUnion('scenario', [newNew, newExisting, newDemoNew, newDemoExisting, existingExisting])
  .superRefine((input, ctx) => {
    if (input.financeOpsApp === 'human-resources-standalone') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['financeOpsApp'], message: STANDALONE_HR_REFUSAL });
    }
    if (input.scenario !== 'existing-existing') return;
    if (STANDALONE_HR_HOST.test(new URL(input.financeOpsUrl).hostname)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['financeOpsUrl'], message: STANDALONE_HR_REFUSAL });
    }
    if (Boolean(input.dataverseUrl) === Boolean(input.dataverseName)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['dataverseUrl'],
        message: 'Give either the URL of an existing Dataverse environment or a name for a new one.',
      });
    }
    if (input.companyCode && !input.legalEntities.includes(input.companyCode)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['companyCode'],
        message: 'The bootstrap company must be one of the linked legal entities.',
      });
    }
  });

export type SetupInput = z.infer<typeof setupInputSchema>;
export type SetupInputOf<S extends ScenarioId> = Extract<SetupInput, { scenario: S }>;
