// Unique names of the Dataverse solutions and Power Platform application packages that dual-write
// setup installs or checks. One module for the engine (prerequisite checks) and the emulator (which
// writes these rows when a package is installed), so the two can never drift apart.
//
// [inferred] marks names read from admin centre screens and Microsoft's unsupported tooling, not from
// a reference page: verify on a live tenant before relying on them there.

/** The Dynamics 365 base ("CRM prime") solution a new environment gets with Dynamics 365 apps. [inferred] */
export const CRM_PRIME_SOLUTION = 'msdynce_CrmPrime';

/** The dual-write core solution (holds the dual-write runtime and its plug-ins). [inferred] */
export const DUAL_WRITE_CORE_SOLUTION = 'DualWriteCore';

/** Application package that installs the core solution. [inferred] */
export const DUAL_WRITE_CORE_PACKAGE = 'msdyn_DualWriteCoreAnchor';

/** The two plug-in assemblies of the core solution that must be enabled. [inferred] */
export const DUAL_WRITE_PLUGIN_ASSEMBLIES = [
  'Microsoft.Dynamics.Integrator.DualWriteRuntime.Plugins',
  'Microsoft.Dynamics.Integrator.CrossCompany.Plugins',
] as const;

/**
 * The dual-write application orchestration packages (the entity maps) and the solutions each one
 * installs. `Dynamics365Company` carries `cdm_company`. [inferred]
 */
export const DUAL_WRITE_ORCHESTRATION_PACKAGES: ReadonlyArray<{
  uniqueName: string;
  solutions: readonly string[];
}> = [
  {
    uniqueName: 'msdyn_DualWriteAppCoreAnchor',
    solutions: ['Dynamics365Company', 'CurrencyExchangeRates', 'Dynamics365FinanceAndOperationsCommon'],
  },
  {
    uniqueName: 'msdyn_DualWriteFinanceAnchor',
    solutions: ['Dynamics365FinanceCommon', 'Dynamics365FinanceExtended'],
  },
  {
    uniqueName: 'msdyn_DualWriteSupplyChainAnchor',
    solutions: ['Dynamics365SupplyChainExtended'],
  },
];

/** Every solution the orchestration packages install. */
export const DUAL_WRITE_ORCHESTRATION_SOLUTIONS: readonly string[] =
  DUAL_WRITE_ORCHESTRATION_PACKAGES.flatMap((pkg) => pkg.solutions);

/** The old Prospect-to-Cash solution that must not be installed next to dual-write. [inferred] */
export const PROSPECT_TO_CASH_SOLUTION = 'ProspectToCash';

/**
 * Application (client) ids of the dual-write app registrations that must exist as application users
 * in Dataverse. [doc: listed in the dual-write requirements; verify against the current page]
 */
export const DUAL_WRITE_APP_IDS = [
  '6f7d0213-62b1-43a8-b7f4-ff2bb8b7b452',
  '2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b',
  '33976c19-1db5-4c02-810e-c243db79efde',
] as const;

/** The F&O platform release dual-write needs at least (platform update 33). [doc] */
export const MIN_PLATFORM_VERSION = '10.0.9';

/** Compares dotted versions numerically ("10.0.38" > "10.0.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
