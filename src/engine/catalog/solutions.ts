// Unique names of the Power Platform application packages and Dataverse solutions that dual-write
// setup installs or checks, and the application ids it looks for. Each name and its Microsoft Learn
// source: docs/dynamics-apis.md. The emulator keeps its own copy of these facts (it models Microsoft,
// not us); test/contract/catalogContract.test.ts holds the two together.

/**
 * The Dynamics 365 apps base ("CRM prime") solution a new environment gets with a Dynamics 365 app
 * template. No public unique name was found: [inferred].
 */
export const CRM_PRIME_SOLUTION = 'msdynce_CrmPrime';

/** The dual-write core solution (holds the dual-write runtime and its plug-ins). */
export const DUAL_WRITE_CORE_SOLUTION = 'DualWriteCore';

/** Application package that installs the core solution (no `msdyn_` prefix). */
export const DUAL_WRITE_CORE_PACKAGE = 'DualWriteCoreAnchor';

/** The two plug-in assemblies of the core solution that must be enabled. */
export const DUAL_WRITE_PLUGIN_ASSEMBLIES = [
  'DualWriteRegistration.Plugins',
  'DualWriteRuntime.Plugins',
] as const;

export interface DualWritePackage {
  uniqueName: string;
  /** What the package is, as the admin center names it. */
  title: string;
  solutions: readonly string[];
  /** The maps of the entity map catalog it publishes on Apply Solution (entityMapCatalog.ts). */
  maps?: 'applicationCore' | 'finance' | 'supplyChain';
  /**
   * Its entity maps solution: what the gateway lists under `SolutionAware/{cid}/Solutions/` and what
   * Apply Solution applies (separated-solutions.md names each package's "entity maps" solution; the
   * Dual-write-automations tool's App.config `<Solutions>` applies these [inferred from the tool]).
   */
  mapsSolution?: string;
}

/**
 * The dual-write application orchestration packages (the entity maps) in the documented install
 * order: application core, finance, HR common tables, human resources, supply chain (supply chain
 * needs all four before it). `Dynamics365Company` carries `cdm_company`.
 */
export const DUAL_WRITE_ORCHESTRATION_PACKAGES: readonly DualWritePackage[] = [
  {
    uniqueName: 'msdyn_DualWriteAppCoreAnchor',
    title: 'Dual-write Application Core',
    maps: 'applicationCore',
    solutions: [
      'Dynamics365Company',
      'Dynamics365FinanceAndOperationsCommon',
      'CurrencyExchangeRates',
      'msdyn_DualWriteAppCoreMaps',
      'msdyn_DualWriteAppCoreAnchor',
    ],
    mapsSolution: 'msdyn_DualWriteAppCoreMaps',
  },
  {
    uniqueName: 'msdyn_Dynamics365FinanceExtendedAnchor',
    title: 'Dual-write Finance',
    maps: 'finance',
    solutions: [
      'Dynamics365FinanceExtended',
      'msdyn_Dynamics365FinanceExtendedMaps',
      'FieldServiceCommon',
      'msdyn_Dynamics365FinanceExtendedAnchor',
    ],
    mapsSolution: 'msdyn_Dynamics365FinanceExtendedMaps',
  },
  { uniqueName: 'HCMCommonAnchor', title: 'Dynamics 365 HR Common Tables', solutions: ['HCMCommon'] },
  {
    uniqueName: 'msdyn_Dynamics365HCMAnchor',
    title: 'Dual-write Human Resources',
    solutions: ['msdyn_Dynamics365HCMMaps', 'msdyn_Dynamics365HCMAnchor'],
    mapsSolution: 'msdyn_Dynamics365HCMMaps',
  },
  {
    uniqueName: 'msdyn_Dynamics365SupplyChainExtendedAnchor',
    title: 'Dual-write Supply Chain',
    maps: 'supplyChain',
    solutions: [
      'Dynamics365SupplyChainExtended',
      'msdyn_Dynamics365SupplyChainExtendedMaps',
      'msdyn_Dynamics365SupplyChainExtendedAnchor',
    ],
    mapsSolution: 'msdyn_Dynamics365SupplyChainExtendedMaps',
  },
];

/** Every package dual-write setup installs, core first, in the documented order. */
export const DUAL_WRITE_PACKAGE_ORDER: readonly string[] = [
  DUAL_WRITE_CORE_PACKAGE,
  ...DUAL_WRITE_ORCHESTRATION_PACKAGES.map((pkg) => pkg.uniqueName),
];

/** Every solution the orchestration packages install. */
export const DUAL_WRITE_ORCHESTRATION_SOLUTIONS: readonly string[] =
  DUAL_WRITE_ORCHESTRATION_PACKAGES.flatMap((pkg) => pkg.solutions);

/** The entity maps solutions Apply Solution applies, in install order. */
export const DUAL_WRITE_MAPS_SOLUTIONS: readonly string[] = DUAL_WRITE_ORCHESTRATION_PACKAGES.flatMap(
  (pkg) => (pkg.mapsSolution ? [pkg.mapsSolution] : []),
);

/**
 * The old Prospect to cash solutions that must not be installed next to dual-write. The unique names
 * are those of Microsoft's FastTrack P2C package [inferred: no reference page lists them].
 */
export const PROSPECT_TO_CASH_SOLUTIONS = ['CRMP2C', 'P2CFieldService', 'P2CProjectService'] as const;

/**
 * Application users that must exist in Dataverse, each check satisfied by any one of its ids: the
 * F&O-to-Dataverse app `00000015-…` was replaced by `f1752846-…` from September 1, 2025.
 */
export const DATAVERSE_APP_USER_CHECKS: ReadonlyArray<readonly string[]> = [
  ['00000015-0000-0000-c000-000000000000', 'f1752846-f0df-4766-96f5-c109adf67d7f'],
  ['2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b'],
];

/** The application ids a healthy Dataverse environment carries (the first of each check). */
export const DUAL_WRITE_APP_IDS: readonly string[] = DATAVERSE_APP_USER_CHECKS.map((ids) => ids[0]);

/** The checks the given application user ids do not satisfy, as "a or b" strings. */
export function missingApplicationUsers(present: Iterable<string>): string[] {
  const have = new Set([...present].map((id) => id.toLowerCase()));
  return DATAVERSE_APP_USER_CHECKS.filter((ids) => !ids.some((id) => have.has(id))).map((ids) =>
    ids.join(' or '),
  );
}

/**
 * Client ids to register on F&O's *Microsoft Entra applications* page (`?mi=SysAADClientTable`), not
 * in Dataverse. (`33976c19-…` only for core solution versions before 1.0.16.)
 */
export const FINANCE_OPS_ENTRA_APP_IDS = [
  '6f7d0213-62b1-43a8-b7f4-ff2bb8b7b452',
  '2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b',
] as const;

/**
 * From this core solution version on, dual-write needs no consent to the app `33976c19-…`; older
 * ones answer "404 (Not Found)" on the Dual-write page until a tenant admin consents
 * (requirements-and-prerequisites.md, dual-write-troubleshooting-initial-setup.md; docs/dynamics-apis.md).
 */
export const CORE_SOLUTION_NO_CONSENT_VERSION = '1.0.16.0';
export const CONSENT_APP_ID = '33976c19-1db5-4c02-810e-c243db79efde';

/** The F&O platform release dual-write needs at least (platform update 33). */
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
