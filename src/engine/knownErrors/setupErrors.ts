import { learnPage, type KnownError } from './knownError';

// Errors of linking the environments (Lifecycle Services' dual-write setup and F&O's
// "New link to environment"). Texts and fixes from the pages named in each `source`.

const INITIAL_SETUP = learnPage('dual-write-troubleshooting-initial-setup');
const REQUIREMENTS = learnPage('requirements-and-prerequisites');

export const SETUP_ERRORS: KnownError[] = [
  {
    id: 'dw9003-connect-failed',
    area: 'setup',
    title: 'DW9003 Failed to connect to CRM / AX',
    match: { text: /DW9003|Failed to connect to (?:CRM|AX)\b/i },
    cause:
      "The application users created for dual-write to access data on the target platforms aren't configured with the appropriate permissions.",
    fix: "Configure the application users as System requirements and prerequisites says: in Finance and Operations, Microsoft Entra applications rows for 6f7d0213-62b1-43a8-b7f4-ff2bb8b7b452 and 2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b; in Dataverse, application users 00000015-0000-0000-c000-000000000000 and 2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b with a security role (Dual-Write App User) that can create, read, write and delete the dual-write tables; and a security role on the root business unit's default team, which owns the synced rows.",
    source: learnPage('lcs-setup'),
    detection: { doctorCheck: 'dataverse.applicationUsers', failurePattern: true },
  },
  {
    id: 'health-check-failed',
    area: 'setup',
    title: 'The health check of New link to environment fails',
    match: { text: /health check/i },
    cause:
      "Errors on the Setup link to Dataverse page usually happen because of incomplete setup or permissions problems; you can't link dual-write unless the whole health check passes.",
    fix: 'Complete every prerequisite, then run the wizard again: System administrator in Finance and Operations and in Dataverse, Microsoft Entra tenant admin credentials to link, F&O at platform update 33 (10.0.9) or later, the dual-write core solution installed, the dual-write plug-ins enabled, both environments in the same tenant, the Prospect to cash solution uninstalled.',
    source: INITIAL_SETUP,
    detection: {
      failurePattern: true,
      note: 'each prerequisite has its own entry and doctor check; this one catches a health check text that names none of them',
    },
  },
  {
    id: 'health-check-app-version',
    area: 'setup',
    title: 'Health check: App version is up to date',
    match: { text: /Platform Update PU 33 \(App version 10\.0\.9\) or above/i },
    cause: 'The Finance and Operations environment is older than platform update 33 (app version 10.0.9).',
    fix: 'Update the Finance and Operations environment to platform update 33 (app version 10.0.9) or later.',
    source: REQUIREMENTS,
    detection: { doctorCheck: 'financeOps.version', failurePattern: true },
  },
  {
    id: 'health-check-core-solution',
    area: 'setup',
    title: 'Health check: The dual-write core solution was found',
    match: { text: /dual-write core solution contains metadata for your entity maps and must be installed/i },
    cause: 'The dual-write core solution is not installed in the Dataverse environment.',
    fix: 'Install the Dual-write core solution (Dual-write Application Core) in Dataverse from AppSource, then run the wizard again.',
    source: REQUIREMENTS,
    detection: { doctorCheck: 'dataverse.coreSolution', failurePattern: true },
  },
  {
    id: 'health-check-plugins',
    area: 'setup',
    title: 'Health check: The dual-write registration and runtime plugins are enabled',
    match: { text: /the dual-write plugins need to be enabled/i },
    cause:
      'The steps of the DualWriteRegistration.Plugins and DualWriteRuntime.Plugins assemblies are disabled.',
    fix: 'Enable every step of the two dual-write plug-in assemblies (Plug-in Registration Tool); if the assemblies are missing, import the latest Dual Write Core solution.',
    source: REQUIREMENTS,
    detection: { doctorCheck: 'dataverse.pluginAssemblies', failurePattern: true },
  },
  {
    id: 'prospect-to-cash-installed',
    area: 'setup',
    title: 'Prospect to Cash is installed',
    match: { text: /Prospect to Cash/i },
    cause: "The Prospect to Cash (P2C) solution doesn't work concurrently with dual-write.",
    fix: 'Uninstall the Prospect to Cash solution before enabling dual-write.',
    source: REQUIREMENTS,
    detection: { doctorCheck: 'dataverse.prospectToCash', failurePattern: true },
  },
  {
    id: 'same-key-company-names',
    area: 'setup',
    title: 'Saving connection set failed',
    match: { text: /Saving connection set failed!? An item with the same key has already been added/i },
    cause:
      "Dual-write doesn't support multiple legal entities or companies with the same name (for example two companies named DAT in Dataverse), nor cdm_company rows with a blank name.",
    fix: 'Remove duplicate records from the cdm_company table in Dataverse; remove or correct the cdm_company records with a blank name.',
    source: INITIAL_SETUP,
    detection: { doctorCheck: 'dataverse.companyNames', failurePattern: true },
  },
  {
    id: 'dualwrite-page-404',
    area: 'setup',
    title: '404 (Not Found) opening the Dual-write page',
    match: { text: /Response status code does(?:n't| not) indicate success: 404 \(Not Found\)/i },
    cause:
      "The app consent step isn't complete: the app 33976c19-1db5-4c02-810e-c243db79efde is not among Microsoft Entra ID's Enterprise applications. Dual-write core solution 1.0.16.0 or later needs no consent.",
    fix: 'As a tenant admin, give consent at https://login.microsoftonline.com/common/oauth2/authorize?client_id=33976c19-1db5-4c02-810e-c243db79efde&response_type=code&prompt=admin_consent (Accept), or update the dual-write core solution to 1.0.16.0 or later.',
    source: INITIAL_SETUP,
    detection: { doctorCheck: 'dataverse.coreSolutionVersion', failurePattern: true },
  },
  {
    id: 'environment-not-discoverable',
    area: 'setup',
    title: "Finance and operations environment isn't discoverable",
    match: { text: /environment \S+ (?:isn't|is not) discoverable/i },
    cause:
      "The user who signs in isn't in the same tenant as the finance and operations instance, or a legacy Microsoft-hosted instance has an issue with discovery.",
    fix: 'Sign in with a user of the finance and operations tenant; for a legacy Microsoft-hosted instance, update it (any update makes it discoverable).',
    source: INITIAL_SETUP,
    detection: { doctorCheck: 'financeOps.integrationEnvironment', failurePattern: true },
  },
  {
    id: 'connection-403-licence',
    area: 'setup',
    title: '403 (Forbidden) while connections are being created',
    match: { text: /Failed to setup dual write environment[\s\S]*403 \(Forbidden\)/i },
    cause:
      "The linking user has no Power Apps licence, so creating the two Power Apps (ApiHub) connections in the linked Dataverse environment on the user's behalf fails.",
    fix: 'Assign the linking user an appropriate licence (for example Power Apps Trial 2 Plan) and link again; the My account site shows the licences assigned.',
    source: INITIAL_SETUP,
    detection: { doctorCheck: 'dataverse.linkingUserLicence', failurePattern: true },
  },
];
