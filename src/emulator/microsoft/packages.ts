import { REQUIREMENTS, SEPARATED_SOLUTIONS, UNIFIED_TEMPLATES } from './sources';

// The Power Platform application packages of dual-write and the Dataverse solutions each installs,
// as Microsoft documents them. The order of DUAL_WRITE_PACKAGES is the documented install order.

export type PackageKey = 'core' | 'applicationCore' | 'finance' | 'hcmCommon' | 'hcm' | 'supplyChain';

export interface PackageFact {
  key: PackageKey;
  uniqueName: string;
  localizedName: string;
  solutions: readonly string[];
  /**
   * The package's "entity maps" solution (SEPARATED_SOLUTIONS: "Dual-write applications core entity
   * maps", "... extended entity maps"): what `SolutionAware/{cid}/Solutions/` lists and RestoreTemplates
   * applies, as the tool's App.config `<Solutions>` names them [inferred from the tool]. None for the
   * core package and the HR common tables.
   */
  mapsSolution?: string;
  /** Packages that must be installed first. */
  needs: readonly PackageKey[];
  source: string;
  /** Version the emulator reports [inferred: any current version; none is documented]. */
  version: string;
}

export const DUAL_WRITE_PACKAGES: readonly PackageFact[] = [
  {
    key: 'core',
    // The package unique name has no msdyn_ prefix (UNIFIED_TEMPLATES lists it as pre-installed).
    uniqueName: 'DualWriteCoreAnchor',
    localizedName: 'Dual-write core solution',
    solutions: ['DualWriteCore'],
    needs: [],
    source: UNIFIED_TEMPLATES,
    version: '1.0.24062.1',
  },
  {
    key: 'applicationCore',
    uniqueName: 'msdyn_DualWriteAppCoreAnchor',
    localizedName: 'Dual-write Application Core',
    solutions: [
      'Dynamics365Company',
      'Dynamics365FinanceAndOperationsCommon',
      'CurrencyExchangeRates',
      'msdyn_DualWriteAppCoreMaps',
      'msdyn_DualWriteAppCoreAnchor',
    ],
    mapsSolution: 'msdyn_DualWriteAppCoreMaps',
    needs: [],
    source: SEPARATED_SOLUTIONS,
    version: '1.0.31.0',
  },
  {
    key: 'finance',
    uniqueName: 'msdyn_Dynamics365FinanceExtendedAnchor',
    localizedName: 'Dual-write Finance',
    solutions: [
      'Dynamics365FinanceExtended',
      'msdyn_Dynamics365FinanceExtendedMaps',
      'FieldServiceCommon',
      'msdyn_Dynamics365FinanceExtendedAnchor',
    ],
    mapsSolution: 'msdyn_Dynamics365FinanceExtendedMaps',
    needs: ['applicationCore'],
    source: SEPARATED_SOLUTIONS,
    version: '1.0.27.0',
  },
  {
    key: 'hcmCommon',
    // "Dynamics 365 HR Common Tables" (AppSource mscrm.hcmcommon); its solution is HCMCommon.
    uniqueName: 'HCMCommonAnchor',
    localizedName: 'Dynamics 365 HR Common Tables',
    solutions: ['HCMCommon'],
    needs: [],
    source: SEPARATED_SOLUTIONS,
    version: '1.0.12.0',
  },
  {
    key: 'hcm',
    uniqueName: 'msdyn_Dynamics365HCMAnchor',
    localizedName: 'Dual-write Human Resources',
    solutions: ['msdyn_Dynamics365HCMMaps', 'msdyn_Dynamics365HCMAnchor'],
    mapsSolution: 'msdyn_Dynamics365HCMMaps',
    needs: ['applicationCore', 'hcmCommon'],
    source: SEPARATED_SOLUTIONS,
    version: '1.0.9.0',
  },
  {
    key: 'supplyChain',
    uniqueName: 'msdyn_Dynamics365SupplyChainExtendedAnchor',
    localizedName: 'Dual-write Supply Chain',
    solutions: [
      'Dynamics365SupplyChainExtended',
      'msdyn_Dynamics365SupplyChainExtendedMaps',
      'msdyn_Dynamics365SupplyChainExtendedAnchor',
    ],
    mapsSolution: 'msdyn_Dynamics365SupplyChainExtendedMaps',
    needs: ['applicationCore', 'finance', 'hcmCommon', 'hcm'],
    source: SEPARATED_SOLUTIONS,
    version: '1.0.33.0',
  },
];

/** The package whose entity maps solution this is. */
export function packageOfMapsSolution(uniqueName: string): PackageFact | undefined {
  return DUAL_WRITE_PACKAGES.find((pkg) => pkg.mapsSolution?.toLowerCase() === uniqueName.toLowerCase());
}

export function packageFact(key: PackageKey): PackageFact {
  return DUAL_WRITE_PACKAGES.find((pkg) => pkg.key === key) as PackageFact;
}

/** The two plug-in assemblies of the core solution (REQUIREMENTS, "Ensure dual-write plugins are enabled"). */
export const PLUGIN_ASSEMBLIES: readonly string[] = [
  'DualWriteRegistration.Plugins',
  'DualWriteRuntime.Plugins',
];
export const PLUGIN_ASSEMBLIES_SOURCE = REQUIREMENTS;

/**
 * The processing steps each assembly registers (`sdkmessageprocessingsteps`), named "<plug-in type>:
 * <message> of any entity" as the Plug-in Registration tool names steps. REQUIREMENTS asks that the
 * plug-ins be enabled; the step names and how many there are [inferred: no page lists them].
 */
export const PLUGIN_STEP_NAMES = (assembly: string): string[] =>
  ['Create', 'Update', 'Delete'].map((message) => `${assembly}.DualWritePlugin: ${message} of any entity`);

/**
 * The Prospect to cash solutions that must not be installed next to dual-write (REQUIREMENTS says to
 * uninstall "Prospect to Cash"; the unique names are those of the FastTrack P2C package [inferred]).
 */
export const PROSPECT_TO_CASH_SOLUTIONS: readonly string[] = [
  'CRMP2C',
  'P2CFieldService',
  'P2CProjectService',
];

/**
 * The Dynamics 365 apps base solution a Sales template installs. No public unique name is documented:
 * this one is [inferred].
 */
export const CRM_PRIME_SOLUTION = 'msdynce_CrmPrime';

/** Dataverse platform version the emulator reports [inferred]. */
export const DATAVERSE_VERSION = '9.2.24063.00185';
