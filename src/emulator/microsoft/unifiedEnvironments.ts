import type { PackageFact, PackageKey } from './packages';

// Unified environments: finance and operations apps provisioned in the Power Platform admin center,
// with no Lifecycle Services footprint. Sources (MicrosoftDocs/power-platform, admin/unified-experience/):
// TYPES = unified-environment-types-and-templates.md; CREATE = tutorial-deploy-new-environment-with-ERP-template.md;
// INSTALL = tutorial-install-finance-operations-provisioning-app.md; OVERVIEW = finance-operations-apps-overview.md.
// LCS freeze: dynamics-365-unified-operations-public lifecycle-services/lcs-project-creation-freeze.md.

export const UNIFIED_SOURCES = {
  types: 'power-platform: admin/unified-experience/unified-environment-types-and-templates.md',
  create: 'power-platform: admin/unified-experience/tutorial-deploy-new-environment-with-ERP-template.md',
  install: 'power-platform: admin/unified-experience/tutorial-install-finance-operations-provisioning-app.md',
  overview: 'power-platform: admin/unified-experience/finance-operations-apps-overview.md',
};

/** The ERP templates (TYPES). `D365_FinOps_Commerce` exists for trials only and is not offered. */
export const ERP_TEMPLATES = ['D365_FinOps_Finance', 'D365_FinOps_SCM', 'D365_FinOps_ProjOps'] as const;
export type ErpTemplate = (typeof ERP_TEMPLATES)[number];

/** The provisioning app that turns a Dataverse environment into F&O + Dataverse (TYPES, CREATE). */
export const PROVISIONING_APP = 'msdyn_FinanceAndOperationsProvisioningAppAnchor';
/** "Dynamics 365 Finance and Operations Platform Tools", installed before the provisioning app (INSTALL). */
export const PLATFORM_TOOLS_APP = 'msprov_fnouploadersolution';

/**
 * Dual-write packages each template pre-installs (TYPES, "Apps included in each template": Finance and
 * SCM install DualWriteCoreAnchor and msdyn_DualWriteAppCoreAnchor; Project Operations "installs all of
 * the applications in the Finance template, plus" msdyn_Dynamics365FinanceExtendedAnchor,
 * msdyn_DualWriteAssetManagementAnchor, msdyn_Dynamics365HCMAnchor, HCMCommonAnchor and
 * msdyn_Dynamics365SupplyChainExtendedAnchor). Asset management is in TEMPLATE_OTHER_PACKAGES: the bot
 * does not install it.
 */
export const TEMPLATE_DUAL_WRITE_PACKAGES: Record<ErpTemplate, readonly PackageKey[]> = {
  D365_FinOps_Finance: ['core', 'applicationCore'],
  D365_FinOps_SCM: ['core', 'applicationCore'],
  D365_FinOps_ProjOps: ['core', 'applicationCore', 'finance', 'hcmCommon', 'hcm', 'supplyChain'],
};

/**
 * The other packages each template pre-installs, by package name (TYPES). The provisioning app and the
 * platform tools are FINANCE_OPS_APP_PACKAGES. Each installs one solution named like its package
 * [inferred: TYPES names packages, not their solutions].
 */
const FINANCE_TEMPLATE_OTHERS = [
  ['MicrosoftOperationsVEAnchor', 'Finance and Operations Virtual Entity'],
  ['msdyn_GlobalizationSolutionAnchor', 'Globalization Solution for Microsoft Dynamics 365 Finance'],
  ['msdyn_FnOCopilotAnchor', 'Copilot for finance and operations apps'],
  ['msdyn_CommerceAnchor', 'Dynamics 365 Commerce Application'],
  ['msdyn_DemandPlanningAnchor', 'Dynamics 365 Demand Planning Application'],
  ['msdyn_SCMAIAppAnchor', 'Copilot in Microsoft Dynamics 365 Supply Chain Management'],
  ['msdyn_FinanceAIAppAnchor', 'Copilot in Microsoft Dynamics 365 Finance'],
  ['msdyn_MasterPlanningAnchor', 'Planning Optimization Add-in for Dynamics 365 SCM'],
] as const;
const PROJOPS_TEMPLATE_OTHERS = [
  ['msdyn_DualWriteAssetManagementAnchor', 'Dual-Write Asset Management Solutions'],
  ['ProjectOperations_Anchor', 'Microsoft Dynamics 365 Project Operations'],
  ['msdyn_ProjectOperationsSampleData_Anchor', 'Dynamics 365 Project Operations Demo Data'],
] as const;

export const TEMPLATE_PACKAGES: readonly Omit<PackageFact, 'key' | 'needs'>[] = [
  ...FINANCE_TEMPLATE_OTHERS,
  ...PROJOPS_TEMPLATE_OTHERS,
].map(([uniqueName, localizedName]) => ({
  uniqueName,
  localizedName,
  solutions: [uniqueName],
  source: UNIFIED_SOURCES.types,
  version: '1.0.0.0',
}));

export const TEMPLATE_OTHER_PACKAGES: Record<ErpTemplate, readonly string[]> = {
  D365_FinOps_Finance: FINANCE_TEMPLATE_OTHERS.map(([name]) => name),
  D365_FinOps_SCM: FINANCE_TEMPLATE_OTHERS.map(([name]) => name),
  D365_FinOps_ProjOps: [...FINANCE_TEMPLATE_OTHERS, ...PROJOPS_TEMPLATE_OTHERS].map(([name]) => name),
};

/**
 * Locations (codes) and their Azure regions where finance and operations apps are available (TYPES,
 * "Regional availability"). The emulator answers an environment's `properties.azureRegion` with the
 * first region of its location; a location not listed here gets none [inferred]. The page says the
 * service does not yet refuse unsupported regions, so neither does the emulator.
 */
export const LOCATION_AZURE_REGIONS: Record<string, readonly string[]> = {
  asia: ['eastasia', 'southeastasia'],
  australia: ['australiaeast', 'australiasoutheast'],
  canada: ['canadacentral', 'canadaeast'],
  europe: ['northeurope', 'westeurope'],
  france: ['francecentral', 'francesouth'],
  india: ['centralindia', 'southindia'],
  italy: ['italynorth'],
  japan: ['japaneast', 'japanwest'],
  norway: ['norwayeast', 'norwaywest'],
  poland: ['polandcentral'],
  southafrica: ['southafricanorth', 'southafricawest'],
  southamerica: ['brazilsouth'],
  sweden: ['swedencentral'],
  switzerland: ['switzerlandnorth', 'switzerlandwest'],
  unitedarabemirates: ['uaenorth'],
  unitedkingdom: ['uksouth', 'ukwest'],
  unitedstates: ['centralus', 'eastus', 'eastus2', 'westus'],
};

/** The two apps as the application packages API lists them (solution names [inferred]). */
export const FINANCE_OPS_APP_PACKAGES: readonly Omit<PackageFact, 'key' | 'needs'>[] = [
  {
    uniqueName: PLATFORM_TOOLS_APP,
    localizedName: 'Dynamics 365 Finance and Operations Platform Tools',
    solutions: ['msprov_fnouploadersolution'],
    source: UNIFIED_SOURCES.install,
    version: '1.0.0.0',
  },
  {
    uniqueName: PROVISIONING_APP,
    localizedName: 'Dynamics 365 Finance and Operations Provisioning App',
    solutions: [PROVISIONING_APP],
    source: UNIFIED_SOURCES.install,
    version: '10.0.44.0',
  },
];

/** "The environment name cannot exceed 20 characters" (OVERVIEW, known limitations). */
export const MAX_ENVIRONMENT_NAME = 20;
/** "The hostname of your Dataverse environment URL must be less than or equal to 19 characters" (INSTALL). */
export const MAX_ORG_HOST_NAME = 19;
/** The provisioning app "takes about an hour" (INSTALL). */
export const PROVISIONING_APP_SECONDS = 3600;

/** The documented refusals, each with Microsoft's wording where the page prints one. */
export const REFUSALS = {
  nameTooLong: (name: string) =>
    `The environment name "${name}" has ${name.length} characters; finance and operations apps allow at most ${MAX_ENVIRONMENT_NAME}.`,
  licence:
    'A Dynamics 365 Finance, Supply Chain Management or Project Operations licence (or the Power Platform or Dynamics 365 administrator role) is needed to create or install finance and operations apps.',
  capacity: 'At least 1 GB of available Operations and Dataverse database capacity is needed.',
  production:
    'The provisioning app installs only into Sandbox or Trial (subscription-based) environments; Production is not supported.',
  hostName: (host: string) =>
    `The Dataverse host name "${host}" has ${host.length} characters; the provisioning app needs at most ${MAX_ORG_HOST_NAME}. Edit the environment URL first.`,
  linkedToLcs:
    'This Dataverse organization is already linked to a Lifecycle Services environment: the provisioning app installation fails there. Use it only for a new unified environment.',
  schemaType: "Dynamics 365 Finance and Operations Provisioning App isn't supported on SchemaType: Standard",
  platformTools:
    'Please install the Dynamics 365 Finance and Operations Platform Tools application before installing the Dynamics 365 Finance and Operations Provisioning app.',
};
