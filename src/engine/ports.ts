// The ports: what the engine needs from the world, declared by the engine and implemented by
// `src/platform/` (real Dynamics 365 or the embedded emulator, same code) and `src/store/`.
// The engine imports nothing else that touches the network or the disk.
//
// Conventions: company codes are upper case here (F&O returns `dataAreaId` in lower case; the
// platform layer normalises). Every method that creates something has a `find*` partner so a step can
// read the current state first and do only what is missing (idempotent after a crash).

import type { DualWritePort } from './dualWritePort';

export type * from './dualWritePort';

/**
 * Where a step happens, as docs/domain.md §2 says (new F&O begins in LCS, existing F&O in F&O itself),
 * and for a unified environment the Power Platform admin center.
 */
export type StepLocation =
  | 'Lifecycle Services'
  | 'Finance and Operations'
  | 'Power Platform'
  | 'Power Platform admin center'
  | 'Dataverse';

export type DeploymentState = 'deploying' | 'deployed' | 'failed';

/**
 * What a status read of a long operation may carry besides the status: how long the service asks
 * the caller to wait before reading again (its `Retry-After`, or the hint it gave when it accepted
 * the operation). Absent when the service sent none; the engine then polls at its own interval.
 */
export interface PollHint {
  retryAfterMs?: number;
}

/** A Finance and Operations environment as Lifecycle Services describes it. */
export interface FinanceOpsEnvironment extends PollHint {
  id: string;
  name: string;
  /** Base URL of the F&O host; OData lives under `${url}/data/`. */
  url: string;
  state: DeploymentState;
  demoData: boolean;
  /** e.g. "10.0.38"; dual-write needs 10.0.9 (platform update 33) or later. */
  platformVersion: string;
  tenantId: string;
  failureReason?: string;
  /** The service's own word for the state as it answered (LCS `DeploymentStatusDisplay`), for the card. */
  serviceState?: string;
}

/** LCS-like provisioning of F&O environments (emulator; manual with verification in live mode). */
export interface LifecyclePort {
  findFinanceOps(name: string): Promise<FinanceOpsEnvironment | null>;
  /** Starts a deployment; returns the environment in state `deploying`. */
  deployFinanceOps(request: { name: string; demoData: boolean }): Promise<FinanceOpsEnvironment>;
  getFinanceOps(id: string): Promise<FinanceOpsEnvironment>;
}

/** A Dataverse (model-driven app) environment as the Power Platform admin API describes it. */
export interface DataverseEnvironment extends PollHint {
  id: string;
  name: string;
  /** Org URL; the Web API lives under `${url}/api/data/v9.2/`. */
  url: string;
  state: 'provisioning' | 'ready' | 'failed';
  tenantId: string;
  /** Location code the Power Platform answers (`unitedstates`, `europe`, ...), when it answers one. */
  location?: string;
  failureReason?: string;
  /** The service's own word for the state (Power Platform `provisioningState`), for the card. */
  serviceState?: string;
}

export interface ApplicationPackage {
  uniqueName: string;
  name: string;
  state: 'installed' | 'not_installed' | 'installing' | 'install_failed';
  version?: string;
}

export interface PackageOperation extends PollHint {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  error?: string;
  /** The operation's status as the service answered it (NotStarted, Running, ...), for the card. */
  serviceState?: string;
}

/** ERP templates of a unified environment (F&O in the Power Platform admin center). */
export type ErpTemplate = 'D365_FinOps_Finance' | 'D365_FinOps_SCM' | 'D365_FinOps_ProjOps';
/** Production, sandbox, or a unified developer environment (a sandbox with developer tools). */
export type UnifiedEnvironmentType = 'sandbox' | 'production' | 'developer';

/** One environment holding both F&O and Dataverse, with no Lifecycle Services footprint. */
export interface UnifiedEnvironment extends PollHint {
  id: string;
  name: string;
  /** Dataverse org URL ('' while the environment is created). */
  dataverseUrl: string;
  /** F&O URL ('' until the provisioning app is installed). */
  financeOpsUrl: string;
  state: 'provisioning' | 'ready' | 'failed';
  /** Power Platform environment type: Sandbox, Production, Trial. */
  environmentSku: string;
  tenantId: string;
  /** Location code the Power Platform answers, when it answers one. */
  location?: string;
  /**
   * While the create's lifecycle operation runs, the environment id is not known yet (`id` is ''):
   * the operation to follow (`followUnifiedCreation`), a relative path of the admin API.
   */
  operation?: string;
  failureReason?: string;
}

/** Power Platform admin: environments and application packages (documented public APIs). */
export interface PowerPlatformPort {
  /** Starts a unified environment with an ERP template (one provisioning for F&O and Dataverse). */
  createUnifiedEnvironment?(request: {
    name: string;
    template: ErpTemplate;
    type: UnifiedEnvironmentType;
    demoData: boolean;
    /** Location code; default the configured region (POWER_PLATFORM_REGION). */
    location?: string;
  }): Promise<UnifiedEnvironment>;
  /**
   * The create's lifecycle operation (`UnifiedEnvironment.operation`): `provisioning` with id '' while
   * it runs, `failed`, or, once it has Succeeded, the environment its `links.environment` names.
   */
  followUnifiedCreation?(operation: string): Promise<UnifiedEnvironment>;
  /**
   * Installs finance and operations into an existing Dataverse environment (platform tools, then the
   * provisioning app), as far as it can now; call again to go on. Idempotent.
   */
  installFinanceOpsApp?(environmentId: string, options: { demoData: boolean }): Promise<UnifiedEnvironment>;
  getUnifiedEnvironment?(environmentId: string): Promise<UnifiedEnvironment>;
  /** The unified environment whose F&O lives at this URL, or null (an LCS environment, or none). */
  findUnifiedEnvironment?(financeOpsUrl: string): Promise<UnifiedEnvironment | null>;
  findDataverse(name: string): Promise<DataverseEnvironment | null>;
  /** The environment whose Dataverse org is at this URL (names and org hosts differ). */
  findDataverseByUrl?(url: string): Promise<DataverseEnvironment | null>;
  /** Starts creating an environment; `crmPrime` installs the CRM prime solution with it. */
  createDataverse(request: {
    name: string;
    crmPrime: boolean;
    /** Location code; default the configured region (POWER_PLATFORM_REGION). */
    location?: string;
  }): Promise<DataverseEnvironment>;
  getDataverse(id: string): Promise<DataverseEnvironment>;
  listPackages(environmentId: string): Promise<ApplicationPackage[]>;
  installPackage(environmentId: string, uniqueName: string): Promise<PackageOperation>;
  getPackageOperation(environmentId: string, operationId: string): Promise<PackageOperation>;
}

export interface Company {
  /** cdm_companyid */
  id: string;
  /** cdm_companycode, upper case */
  code: string;
  name: string;
}

export interface BootstrapProgress {
  done: number;
  total: number;
}

/** The Dataverse Web API of one environment. */
export interface DataversePort {
  listSolutions(): Promise<Array<{ uniqueName: string; version: string }>>;
  /** Application users (systemusers with an applicationid), for the prerequisite check. */
  listApplicationUserIds(): Promise<string[]>;
  /**
   * Plural display names (`DisplayCollectionName`) of these tables by entity set, from the table
   * definitions; tables without one are left out. Optional: planning falls back to standard names.
   */
  tableDisplayNames?(entitySets: readonly string[]): Promise<Record<string, string>>;
  /**
   * The F&O environment this Dataverse environment is linked to through Power Platform integration
   * (`RetrieveFinanceAndOperationsIntegrationDetails`), or null when it has none. Dual-write links an
   * F&O environment only to that environment (reset.md).
   */
  integrationDetails?(): Promise<PowerPlatformIntegration | null>;
  /** Names of the registered plug-in assemblies (`pluginassemblies`); optional: only the doctor reads them. */
  listPluginAssemblies?(): Promise<string[]>;
  /**
   * Every process step of the plug-in types of these assemblies (`sdkmessageprocessingsteps`), enabled
   * or not (`statecode` 0 or 1). Optional: only the pair checks read them.
   */
  listPluginSteps?(assemblies: readonly string[]): Promise<Array<{ name: string; enabled: boolean }>>;
  /** Every `cdm_company` row (codes as stored, not upper-cased). Optional: only the pair checks read them. */
  listCompanies?(): Promise<Array<{ code: string; name: string }>>;
  /** A user by domain name (UPN): licensed (`islicensed`) and enabled; null when not a user here. */
  findUserLicence?(domainName: string): Promise<{ licensed: boolean; disabled: boolean } | null>;
  findCompany(code: string): Promise<Company | null>;
  /** Rows of a company-specific table (entity set name, e.g. `accounts`) that have no company. */
  countRowsWithoutCompany(entitySet: string): Promise<number>;
  /** Rows of a table stamped with the given company. */
  countRowsOfCompany(entitySet: string, companyId: string): Promise<number>;
  /**
   * Bootstrap: stamps every company-less row of the table with the company (`$batch`, bounded
   * concurrency, `If-Match: *`). Resumable by construction: it only ever selects rows that still
   * have no company, so rows stamped before a crash are never sent again.
   */
  stampRowsWithCompany(
    entitySet: string,
    companyId: string,
    options: { signal?: AbortSignal; onProgress?: (progress: BootstrapProgress) => void },
  ): Promise<{ stamped: number }>;
}

export interface PowerPlatformIntegration {
  financeOpsUrl: string;
  financeOpsEnvironmentId: string;
  tenantId: string;
}

export interface LegalEntity {
  /** dataAreaId, upper case */
  id: string;
  name: string;
}

/** The F&O OData service of one environment. */
export interface FinanceOpsPort {
  listLegalEntities(): Promise<LegalEntity[]>;
  createLegalEntity(entity: LegalEntity): Promise<void>;
  /**
   * Rows of an F&O entity set (e.g. `CustomersV3`) in one company (cross-company query). The company
   * is matched on `companyField` (default `dataAreaId`; `Ledgers` names it `LegalEntityId`); a global
   * set (`null`: `Currencies`, `UnitsOfMeasure`...) has no company, so every row counts.
   */
  countRows(
    entitySet: string,
    companyCode: string,
    companyField?: 'dataAreaId' | 'LegalEntityId' | null,
  ): Promise<number>;
}

/**
 * Everything the engine talks to. `capabilities` says what can be automated on this platform: in
 * live mode a step without a public API (or with the gateway flag off) becomes a manual step whose
 * result the engine verifies through the ports' read methods.
 */
export interface Platform {
  lifecycle: LifecyclePort;
  powerPlatform: PowerPlatformPort;
  dualWrite: DualWritePort;
  dataverse(url: string): DataversePort;
  financeOps(url: string): FinanceOpsPort;
  capabilities: PlatformCapabilities;
  /**
   * Why the platform will not call an environment URL (scheme or host not allowed), or undefined
   * when it will. The engine refuses such input before planning; `dataverse()` and `financeOps()`
   * refuse it too.
   */
  environmentUrlRefusal?(url: string): string | undefined;
}

export interface PlatformCapabilities {
  /** Deploy F&O through an API (emulator only: the real LCS API cannot deploy). */
  deployFinanceOps: boolean;
  /** Add companies, apply solution and run maps through the dual-write gateway. */
  dualWriteGateway: boolean;
  /** Link the environments through an API (emulator only: the gateway has no public create). */
  linkDualWrite: boolean;
  /** Create legal entities through F&O OData (writes are undocumented on real F&O). */
  createLegalEntity: boolean;
}

/** Time, injectable so tests of expiry and backoff don't sleep. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
