import {
  DUAL_WRITE_ERROR_CODES,
  LCS_SETUP,
  REQUIREMENTS,
  SYNC_LIMITS,
  TROUBLESHOOT_INITIAL_SETUP,
  TROUBLESHOOT_INITIAL_SYNC,
  TROUBLESHOOT_LIVE_SYNC,
  TROUBLESHOOT_MODULE,
} from './sources';

/**
 * The failures Microsoft documents, as the emulator answers them once switched on by name
 * (`PUT /_emulator/failures/{name}`): where the service answers (the link, a map's start or stop, its
 * initial sync, a Dataverse write to a table whose map runs), with which status, and the text the page prints. The texts are quoted from the page named in
 * `source`; `inferred` says what the page leaves open. Failures whose cause is plain data (company
 * names, legal entity counts, application users) are not here: the emulator reaches them from its
 * data (dualWrite/gatewayChecks.ts).
 */
export type FailurePoint = 'link' | 'mapStart' | 'mapStop' | 'initialSync' | 'liveWrite';

/**
 * Live sync: the dual-write plug-in runs inside the Dataverse transaction, so a failed write to
 * Finance and Operations fails the Dataverse write itself (troubleshooting live sync page). Dataverse
 * answers a plug-in's failure as 400 with code 0x80040265 (ISV code aborted the operation) [inferred:
 * the page quotes the texts, not the status or code of the Dataverse answer].
 */
const PLUGIN_ABORTED = '0x80040265';

export interface DocumentedFailure {
  name: string;
  at: FailurePoint;
  /** HTTP status of the answer (the link); a map's start, stop and initial sync fail in the request status. */
  status: number;
  code: string;
  /** `{financeOpsHost}` and `{dataverseUrl}` stand for the environments of the request. */
  text: string;
  source: string;
  inferred?: string;
}

const TOKEN_EXCHANGE = 'Response status code does not indicate success: 403 (tokenexchange).';

export const DOCUMENTED_FAILURES = [
  {
    name: 'connection-403-licence',
    at: 'link',
    status: 403,
    code: 'Forbidden',
    text: 'Failed to setup dual write environment. Error Details:Response status code does not indicate success: 403 (Forbidden). - Response status code does not indicate success: 403 (Forbidden).',
    source: TROUBLESHOOT_INITIAL_SETUP,
    inferred: 'the error code field; the stack trace the page shows after the text is left out',
  },
  {
    name: 'environment-not-discoverable',
    at: 'link',
    status: 400,
    code: 'EnvironmentNotDiscoverable',
    text: "Finance and operations apps environment {financeOpsHost} isn't discoverable.",
    source: TROUBLESHOOT_INITIAL_SETUP,
    inferred: 'status and code (the page quotes the text only)',
  },
  {
    name: 'dualwrite-page-404',
    at: 'link',
    status: 404,
    code: 'NotFound',
    text: "Response status code doesn't indicate success: 404 (Not Found).",
    source: TROUBLESHOOT_INITIAL_SETUP,
  },
  {
    name: 'tokenexchange-403',
    at: 'link',
    status: 403,
    code: 'Forbidden',
    text: TOKEN_EXCHANGE,
    source: TROUBLESHOOT_MODULE,
    inferred: 'the Session ID and Root activity ID lines the page shows after the text',
  },
  {
    name: 'tokenexchange-403-map',
    at: 'mapStart',
    status: 403,
    code: 'Forbidden',
    text: TOKEN_EXCHANGE,
    source: TROUBLESHOOT_MODULE,
  },
  {
    name: 'map-401-not-link-owner',
    at: 'mapStart',
    status: 401,
    code: 'Unauthorized',
    text: 'Response status code does not indicate success: 401 (Unauthorized).',
    source: TROUBLESHOOT_MODULE,
    inferred:
      'the page names it on creating a map; the emulator answers it on the map start that publishes it',
  },
  {
    name: 'lookup-metadata',
    at: 'mapStart',
    status: 400,
    code: 'PluginRegistrationFailed',
    text: 'Unable to complete initial data sync. Error: dual-write failure - plugin registration failed: Unable to build dual-write lookup metadata. Error object reference not set to an instance of an object.',
    source: TROUBLESHOOT_MODULE,
  },
  {
    name: 'solution-version-mismatch',
    at: 'mapStart',
    status: 400,
    code: 'VersionMismatch',
    text: "Customer groups (msdyn_customergroups) : Dual write failure - Dynamics 365 for Sales solution 'Dynamics365Company' has version mismatch. Version: '2.0.2.10' Required version: '2.0.133'",
    source: TROUBLESHOOT_MODULE,
    inferred: 'the same text whichever map is started',
  },
  {
    name: 'user-not-allowed-connection',
    at: 'mapStop',
    status: 403,
    code: 'Forbidden',
    text: '[Forbidden], [{"status":403,"source":"","message":"Error from token exchange: User is not allowed to access connection dynamicscrmonline/xxxxxx-xxxx-xxxx-xxxxxxxx"}], The remote server returned an error: (403) Forbidden.',
    source: TROUBLESHOOT_MODULE,
    inferred:
      "the connection id (the page prints xxxxxx-xxxx-xxxx-xxxxxxxx); the stop's request fails with the text and the map keeps its state (the page's fix has the back end mark the maps Not running)",
  },
  ...(
    [
      ['dipv1003', 'DIPV1003', 'Integration keys are missing'],
      ['dipv1018', 'DIPV1018', 'Missing source schema'],
      ['dipv1020', 'DIPV1020', 'Missing destination schema'],
      ['dipv1031', 'DIPV1031', 'Missing default transform for mandatory destination field'],
    ] as const
  ).map(([name, code, message]) => ({
    name,
    at: 'mapStart' as const,
    status: 400,
    code,
    text: `${code}: ${message}`,
    source: DUAL_WRITE_ERROR_CODES,
    inferred: 'how code and message are joined in the answer',
  })),
  {
    name: 'ax-export-error',
    at: 'initialSync',
    status: 400,
    code: 'BadRequest',
    text: '([Bad Request], The remote server returned an error: (400) Bad Request.), AX export encountered an error.',
    source: TROUBLESHOOT_INITIAL_SYNC,
  },
  {
    name: 'initial-sync-403',
    at: 'initialSync',
    status: 403,
    code: 'Forbidden',
    text: '([Forbidden], The remote server returned an error: (403) Forbidden.), AX export encountered an error',
    source: TROUBLESHOOT_INITIAL_SYNC,
  },
  {
    name: 'too-many-lookups',
    at: 'initialSync',
    status: 400,
    code: 'CRMExport',
    text: "CRMExport: Package execution complete. Error Description 5 Attempts to get data from {dataverseUrl}/datasets/default/tables/accounts/items?$select=accountnumber (msdyn_company/cdm_companyid eq 'ID')&$orderby=accountnumber asc failed.",
    source: TROUBLESHOOT_INITIAL_SYNC,
    inferred: 'the dataset path and the selected columns (the page elides them)',
  },
  {
    name: 'unable-to-write-entity',
    at: 'liveWrite',
    status: 400,
    code: PLUGIN_ABORTED,
    text: 'Cannot save the changes to the database. Unit of Work can not commit transaction. Unable to write data to entity uoms. Writes to UnitOfMeasureEntity failed with error message Unable to sync with entity uoms.',
    source: TROUBLESHOOT_LIVE_SYNC,
    inferred:
      'the page quotes it on a save in Finance and Operations; the emulator answers it on a Dataverse write of any table whose map runs, whose plug-in writes to Finance and Operations',
  },
  {
    name: '0x80072560',
    at: 'liveWrite',
    status: 400,
    code: PLUGIN_ABORTED,
    text: '[{"error":{"code":"0x80072560","message":"The user is not a member of the organization."}}], The remote server returned an error: (403) Forbidden.',
    source: TROUBLESHOOT_LIVE_SYNC,
    inferred:
      'the page quotes it on a create in Finance and Operations; the emulator answers it on a Dataverse write',
  },
  {
    name: 'secureconfig-mismatch',
    at: 'liveWrite',
    status: 400,
    code: PLUGIN_ABORTED,
    text: 'SecureConfig Organization (???) does not match actual CRM Organization (???).',
    source: TROUBLESHOOT_LIVE_SYNC,
    inferred: 'the organization names (the page prints ???)',
  },
  {
    name: 'transaction-limits',
    at: 'liveWrite',
    status: 400,
    code: '0x80040216',
    text: 'Error Code: -2147220970 Error Message: Message size exceeded when sending context to Sandbox. Message size: 117 MB',
    source: SYNC_LIMITS,
    inferred:
      'the page quotes the text for a Dataverse to Finance and Operations transaction over 116.85 MB; the emulator answers it on any Dataverse write of a table whose map runs, with status 400, the code in hex and 117 for the "###" of the size',
  },
] as const satisfies readonly DocumentedFailure[];

export type DocumentedFailureName = (typeof DOCUMENTED_FAILURES)[number]['name'];

export const DOCUMENTED_FAILURE_NAMES = DOCUMENTED_FAILURES.map((f) => f.name) as [
  DocumentedFailureName,
  ...DocumentedFailureName[],
];

/** The documented text with the request's environments in it. */
export function failureText(
  failure: DocumentedFailure,
  where: { financeOpsHost?: string; dataverseUrl?: string },
): string {
  return failure.text
    .replace('{financeOpsHost}', where.financeOpsHost ?? '')
    .replace('{dataverseUrl}', where.dataverseUrl ?? '');
}

/** Texts the emulator answers from its data (gatewayChecks.ts), with their sources. */
export const DATA_FAILURE_TEXTS = {
  /** Duplicate or blank company names in cdm_company. */
  sameKey: {
    text: 'Saving connection set failed! An item with the same key has already been added.',
    source: TROUBLESHOOT_INITIAL_SETUP,
  },
  /** More than about 250 legal entities linked when a map is enabled. */
  partitions: {
    text: 'Dual write failure - Plugin registration failed: [(Unable to get partition map for project {project}. Error Exceeds the maximum partitions allowed for mapping {project})], One or more errors occurred.',
    source: TROUBLESHOOT_INITIAL_SETUP,
  },
  /** A dual-write application user missing in Dataverse. */
  dw9003: {
    text: 'DW9003 Failed to connect to CRM. Ensure that the service principal has the correct permissions to access CRM.',
    source: LCS_SETUP,
  },
  /** Health check results of the link wizard. */
  appVersion: {
    text: 'App version is up to date: Dual Write is supported on Finance and Operations app environments with Platform Update PU 33 (App version 10.0.9) or above',
    source: REQUIREMENTS,
  },
  coreSolution: {
    text: 'The dual-write core solution was found: The dual-write core solution contains metadata for your entity maps and must be installed in the environment',
    source: REQUIREMENTS,
  },
  prospectToCash: {
    text: 'The "Prospect to Cash" solution or P2C doesn\'t work simultaneously with dual-write: uninstall it before enabling dual-write.',
    source: REQUIREMENTS,
  },
} as const;
