import { z } from 'zod';

/**
 * What exists before anyone asks for anything: the tenant, an existing F&O environment with demo-like
 * companies and an existing Dataverse org with company-less rows (the "existing" scenarios), and the
 * sizes of the demo data new "with demo data" environments get.
 */
export const emulatorSeedSchema = z.object({
  tenantId: z.string().uuid().default('72f988bf-86f1-41af-91ab-2d7cd011db47'),
  /** Customers and vendors per demo company. */
  customersPerCompany: z.number().int().min(0).max(100_000).default(25),
  vendorsPerCompany: z.number().int().min(0).max(100_000).default(10),
  /** Demo companies a "with demo data" environment gets (subset of USMF, DEMF, USRT, GBSI, USSI, FRRT). */
  demoCompanies: z.array(z.string()).default(['USMF', 'DEMF', 'USRT', 'GBSI', 'USSI', 'FRRT']),
  /**
   * Package unique names this tenant has no entitlement to: no environment's package list offers them,
   * and an install answers as for a name the catalog lacks (404). The Power Platform API lists the
   * applications "of which their tenant already has entitlement" and has no uninstall
   * (power-platform: admin/programmability-tutorial-install-application-environment.md), so a set-up
   * option is the way to that state, not a failure switch.
   */
  packagesWithoutEntitlement: z.array(z.string().min(1)).default([]),
  /**
   * Map keys (`<table> - <name>`) the tenant's entity maps solutions do not carry: Apply Solution
   * publishes the rest of their package. Stands for a maps solution of another version than the one
   * the emulator's map facts follow (a map renamed or dropped) [inferred]; the gateway offers no delete
   * of a map (microsoft/Dual-write-automations calls none), so a set-up option is the way to that state.
   */
  mapsMissingFromSolutions: z.array(z.string().min(1)).default([]),
  existingFinanceOps: z
    .object({
      name: z.string().default('contoso-fo'),
      companies: z.array(z.string()).default(['USMF', 'DEMF', 'USRT', 'GBSI']),
      platformVersion: z.string().default('10.0.38'),
      /**
       * The Dataverse environment (display name) of its Power Platform integration, or null for an F&O
       * environment set up before it (the link then makes it, as Lifecycle Services would first).
       */
      integratedWith: z.string().nullable().default(null),
    })
    .nullable()
    .default({}),
  existingDataverse: z
    .object({
      name: z.string().default('contoso'),
      accounts: z.number().int().min(0).max(1_000_000).default(200),
      contacts: z.number().int().min(0).max(1_000_000).default(100),
      /** Whether the dual-write application users already exist there. */
      appUsers: z.boolean().default(true),
    })
    .nullable()
    .default({}),
});
export type EmulatorSeed = z.infer<typeof emulatorSeedSchema>;
/** What a caller may give: every field has a default. */
export type EmulatorSeedInput = z.input<typeof emulatorSeedSchema>;

export function resolveSeed(partial: EmulatorSeedInput | undefined): EmulatorSeed {
  return emulatorSeedSchema.parse(partial ?? {});
}
