/**
 * The runs the crash test kills (crashSafety.emulator.test.ts) and its child process starts
 * (crashChild.ts): one per shape of plan, so that every step kind a scenario plans is killed mid-way.
 */
export const CRASH_VARIANTS = {
  // LCS F&O, existing Dataverse: company, bootstrap (approval), initial sync.
  'new-existing': (emulatorUrl: string) => ({
    scenario: 'new-existing',
    financeOpsName: 'crash-fo',
    dataverseUrl: `${emulatorUrl}/orgs/contoso`,
    companyCode: 'CRSH',
    companyName: 'Crash Test',
    initialSyncEntities: ['Customers V3'],
  }),
  // A unified environment (F&O from the Power Platform, new Dataverse in it), demo data.
  unified: () => ({
    scenario: 'new-demo-new',
    financeOpsHome: 'unified',
    financeOpsName: 'crash-uni',
    demoLegalEntities: ['USMF'],
    initialSyncEntities: ['Customers V3'],
  }),
  // The existing F&O with a new Dataverse: prerequisites before the packages, bootstrap after the maps.
  'existing-existing': (emulatorUrl: string) => ({
    scenario: 'existing-existing',
    financeOpsUrl: `${emulatorUrl}/fo/contoso-fo`,
    dataverseName: 'crash-dv',
    legalEntities: ['USMF'],
    companyCode: 'USMF',
    initialSyncEntities: ['Vendors V2'],
    master: 'financeOps',
  }),
} as const;

export type CrashVariant = keyof typeof CRASH_VARIANTS;
