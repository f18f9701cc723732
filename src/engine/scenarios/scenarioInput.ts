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

/** F&O company id (DataAreaId): 1-4 letters or digits, stored upper case (docs/dynamics-apis.md). */
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

/**
 * Where a new F&O lives. Since February 16, 2026 new cloud implementation projects can't be created in
 * Lifecycle Services (lcs-project-creation-freeze.md): a new customer gets a unified environment in
 * the Power Platform admin center; existing LCS projects (and Commerce) keep LCS.
 */
export const FINANCE_OPS_HOMES = ['lcs', 'unified'] as const;
/** Absent means LCS (runs started before unified environments existed). */
export const financeOpsHomeSchema = z.enum(FINANCE_OPS_HOMES).optional();
/** ERP templates of a unified environment (D365_FinOps_Commerce is for trials only). */
export const ERP_TEMPLATES = ['D365_FinOps_Finance', 'D365_FinOps_SCM', 'D365_FinOps_ProjOps'] as const;
/** Absent means D365_FinOps_Finance. */
export const erpTemplateSchema = z.enum(ERP_TEMPLATES).optional();
/** Production, sandbox, or a unified developer environment (a sandbox with developer tools). */
/** Absent means sandbox. */
export const unifiedTypeSchema = z.enum(['sandbox', 'production', 'developer']).optional();
/** "The environment name cannot exceed 20 characters" (finance-operations-apps-overview.md). */
export const UNIFIED_NAME_MAX = 20;
/** The provisioning app needs a Dataverse host name of at most 19 characters. */
export const UNIFIED_HOST_MAX = 19;

const unifiedOptions = {
  financeOpsHome: financeOpsHomeSchema,
  erpTemplate: erpTemplateSchema,
  environmentType: unifiedTypeSchema,
};

const mapNames = z.array(z.string().min(1).max(100)).max(50).default([]);
/**
 * A link holds up to 250 legal entities in live sync; an initial sync takes 40 of them at most, which
 * the pre-flight checks where the plan has one (sync-limits.md, docs/domain.md §6).
 */
const companyCodes = z
  .array(companyCodeSchema)
  .max(250, "Dual-write's live sync supports up to 250 legal entities on one link.");

/** Company-specific Dataverse tables (entity set names) that bootstrapping can stamp. */
export const bootstrapTablesSchema = z
  .array(z.string().regex(/^[a-z_]+$/))
  .min(1)
  .max(20)
  .default(['accounts', 'contacts']);

/**
 * Where bootstrap stands (docs/domain.md §4): `live`, the supported scenarios' order (the maps run, each
 * stamp a live write); `bulk`, the bootstrap FAQ's (Legal entities only, bootstrap, then initial sync).
 */
export const bootstrapOrderSchema = z.enum(['live', 'bulk']).default('live');

const newNew = z.object({
  scenario: z.literal('new-new'),
  financeOpsApp: financeOpsAppSchema,
  ...unifiedOptions,
  financeOpsName: environmentNameSchema,
  /** Required with LCS; refused with a unified environment, F&O and Dataverse in one (financeOpsName). */
  dataverseName: environmentNameSchema.optional(),
});

const newExisting = z.object({
  scenario: z.literal('new-existing'),
  financeOpsApp: financeOpsAppSchema,
  ...unifiedOptions,
  financeOpsName: environmentNameSchema,
  dataverseUrl: environmentUrlSchema,
  companyCode: companyCodeSchema,
  companyName: z.string().trim().min(1).max(60),
  bootstrapTables: bootstrapTablesSchema,
  bootstrapOrder: bootstrapOrderSchema,
  initialSyncEntities: mapNames,
  master: masterSchema.default('dataverse'),
});

const newDemoNew = z.object({
  scenario: z.literal('new-demo-new'),
  financeOpsApp: financeOpsAppSchema,
  ...unifiedOptions,
  financeOpsName: environmentNameSchema,
  dataverseName: environmentNameSchema.optional(),
  demoLegalEntities: companyCodes.min(1, 'Choose at least one demo company.'),
  initialSyncEntities: mapNames,
});

const newDemoExisting = z.object({
  scenario: z.literal('new-demo-existing'),
  financeOpsApp: financeOpsAppSchema,
  ...unifiedOptions,
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
  bootstrapOrder: bootstrapOrderSchema,
  initialSyncEntities: mapNames,
  master: masterSchema.default('dataverse'),
});

export const setupInputSchema = z
  .discriminatedUnion('scenario', [newNew, newExisting, newDemoNew, newDemoExisting, existingExisting])
  .superRefine((input, ctx) => {
    if (input.financeOpsApp === 'human-resources-standalone') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['financeOpsApp'], message: STANDALONE_HR_REFUSAL });
    }
    if (input.scenario !== 'existing-existing') {
      refineNewFinanceOps(input, ctx);
      return;
    }
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
    if (input.bootstrapOrder === 'bulk' && !input.companyCode) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['bootstrapOrder'],
        message: 'The bulk order is an order for bootstrap: choose the company to bootstrap.',
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

/** True when the input's new F&O is a unified environment (Power Platform admin center, no LCS). */
export function isUnified(input: SetupInput): boolean {
  return input.scenario !== 'existing-existing' && input.financeOpsHome === 'unified';
}

/**
 * A unified environment is Finance and Operations and Dataverse in one environment, under the F&O
 * name: a separate name for a new Dataverse environment is refused rather than dropped, so nobody
 * expects a second environment the plan will not create.
 */
export const UNIFIED_DATAVERSE_NAME_REFUSAL =
  'A unified environment is Finance and Operations and Dataverse in one environment, under the name above: leave the new Dataverse environment name empty (it is for Lifecycle Services only).';

/**
 * The rules of a new F&O: LCS needs a Dataverse name for new+new; a unified environment refuses one
 * (it is its own Dataverse) and has its own limits.
 */
function refineNewFinanceOps(
  input: {
    scenario: string;
    financeOpsHome?: string;
    financeOpsName: string;
    dataverseName?: string;
    dataverseUrl?: string;
    environmentType?: string;
  },
  ctx: z.RefinementCtx,
): void {
  const newDataverse = input.scenario === 'new-new' || input.scenario === 'new-demo-new';
  if (input.financeOpsHome !== 'unified') {
    if (newDataverse && !input.dataverseName)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['dataverseName'],
        message: 'Name the new Dataverse environment.',
      });
    return;
  }
  if (newDataverse && input.dataverseName)
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['dataverseName'],
      message: UNIFIED_DATAVERSE_NAME_REFUSAL,
    });
  if (newDataverse && input.financeOpsName.length > UNIFIED_NAME_MAX)
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['financeOpsName'],
      message: `A unified environment's name has at most ${UNIFIED_NAME_MAX} characters (a finance and operations limit).`,
    });
  if (!newDataverse && input.environmentType === 'production')
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['environmentType'],
      message: 'The provisioning app installs only into a Sandbox or Trial environment, not Production.',
    });
  if (!newDataverse && input.environmentType === 'developer')
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['environmentType'],
      message:
        'A developer environment is created new (with developer tools), not installed into an existing one.',
    });
}
export type SetupInputOf<S extends ScenarioId> = Extract<SetupInput, { scenario: S }>;
