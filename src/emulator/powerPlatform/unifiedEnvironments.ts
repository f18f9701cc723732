import type { LifecycleService } from '../lcs/lifecycleService';
import { packageFact } from '../microsoft/packages';
import {
  ERP_TEMPLATES,
  MAX_ENVIRONMENT_NAME,
  MAX_ORG_HOST_NAME,
  PLATFORM_TOOLS_APP,
  PROVISIONING_APP,
  REFUSALS,
  TEMPLATE_DUAL_WRITE_PACKAGES,
  TEMPLATE_OTHER_PACKAGES,
  type ErpTemplate,
} from '../microsoft/unifiedEnvironments';
import type { EmulatorContext } from '../shell/emulatorContext';
import type { PowerPlatformIntegration } from './powerPlatformIntegration';
import {
  PACKAGE_CATALOG,
  type PowerPlatformEnvironmentRow,
  type PowerPlatformService,
} from './powerPlatformService';

// Unified environments: an ERP template creates one environment (Dataverse first, then the
// provisioning app installs finance and operations into it, about an hour), or the provisioning app is
// installed into an existing Dataverse environment. Every documented refusal is decided before
// anything changes (microsoft/unifiedEnvironments.ts names the sources).

export interface UnifiedRow {
  environment_id: string;
  template: string | null;
  dev_tools: number;
  demo_data: number;
  /** Pending (environment still creating), Installing (provisioning app), Installed, Failed. */
  state: 'Pending' | 'Installing' | 'Installed' | 'Failed';
  fo_env: string | null;
  error: string | null;
  ready_at: number;
}

export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ProvisioningParameters {
  devTools: boolean;
  demoData: boolean;
}

/** `DevToolsEnabled=true|DemoDataEnabled=false` (CREATE, TYPES); unknown keys are ignored. */
export function parseProvisioningParameters(text: string | undefined): ProvisioningParameters {
  const pairs = new Map(
    (text ?? '')
      .split('|')
      .map((part) => part.split('=').map((s) => s.trim()))
      .filter((pair) => pair.length === 2) as Array<[string, string]>,
  );
  return {
    devTools: pairs.get('DevToolsEnabled')?.toLowerCase() === 'true',
    demoData: pairs.get('DemoDataEnabled')?.toLowerCase() === 'true',
  };
}

export function isErpTemplate(name: string): name is ErpTemplate {
  return (ERP_TEMPLATES as readonly string[]).includes(name);
}

export class UnifiedEnvironments {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly powerPlatform: PowerPlatformService,
    private readonly lifecycle: LifecycleService,
    private readonly integration: PowerPlatformIntegration,
  ) {}

  /** Licence and capacity: asked of every ERP create and every provisioning app install. */
  private checkEntitlement(): void {
    const failures = this.ctx.settings.failures;
    if (failures.noFinanceOpsLicence) throw new Refusal(403, 'LicenseRequired', REFUSALS.licence);
    if (failures.insufficientCapacity) throw new Refusal(400, 'InsufficientCapacity', REFUSALS.capacity);
  }

  /** Creates an environment with an ERP template; throws a Refusal before anything changes. */
  create(
    displayName: string,
    template: ErpTemplate,
    sku: string,
    params: ProvisioningParameters,
    location = 'unitedstates',
  ): PowerPlatformEnvironmentRow {
    if (displayName.length > MAX_ENVIRONMENT_NAME)
      throw new Refusal(400, 'EnvironmentNameTooLong', REFUSALS.nameTooLong(displayName));
    if (sku === 'Developer')
      throw new Refusal(
        400,
        'UnsupportedEnvironmentType',
        'The Power Platform Developer environment type supports no Dynamics 365 workload: a unified developer environment is a Sandbox with DevToolsEnabled=true.',
      );
    if (params.devTools && sku !== 'Sandbox')
      throw new Refusal(
        400,
        'UnsupportedEnvironmentType',
        'DevToolsEnabled=true needs a Sandbox environment.',
      );
    this.checkEntitlement();
    const env = this.powerPlatform.createEnvironment(displayName, true, sku, location);
    this.insert({
      environment_id: env.id,
      template,
      dev_tools: params.devTools ? 1 : 0,
      demo_data: params.demoData ? 1 : 0,
      state: 'Pending',
      fo_env: null,
      error: null,
      ready_at: env.ready_at,
    });
    this.ctx.effects.record(
      'pp.unified.create',
      displayName,
      `${template} ${sku}${params.demoData ? ' demo data' : ''}`,
    );
    return env;
  }

  /** The provisioning app into an existing environment; throws a Refusal before anything changes. */
  installInto(env: PowerPlatformEnvironmentRow, params: ProvisioningParameters): void {
    const current = this.of(env.id);
    if (current && current.state !== 'Failed') return; // already installing or installed: idempotent
    if (env.sku === 'Production') throw new Refusal(400, 'ProductionNotSupported', REFUSALS.production);
    if (env.org.length > MAX_ORG_HOST_NAME)
      throw new Refusal(400, 'HostNameTooLong', REFUSALS.hostName(env.org));
    if (this.ctx.settings.failures.dataverseLinkedToLcs)
      throw new Refusal(400, 'LinkedToLifecycleServices', REFUSALS.linkedToLcs);
    if (!env.crm_prime) throw new Refusal(400, 'UnsupportedSchemaType', REFUSALS.schemaType);
    if (this.powerPlatform.packageState(env, this.pkg(PLATFORM_TOOLS_APP)) !== 'Installed')
      throw new Refusal(400, 'PlatformToolsMissing', REFUSALS.platformTools);
    this.checkEntitlement();
    const op = this.powerPlatform.install(env, this.pkg(PROVISIONING_APP));
    this.ctx.db.prepare('DELETE FROM pp_unified WHERE environment_id = ?').run(env.id);
    this.insert({
      environment_id: env.id,
      template: null,
      dev_tools: params.devTools ? 1 : 0,
      demo_data: params.demoData ? 1 : 0,
      state: 'Installing',
      fo_env: null,
      error: null,
      ready_at: op.ready_at,
    });
    this.ctx.effects.record('pp.unified.install', env.display_name, params.demoData ? 'demo data' : 'empty');
  }

  of(environmentId: string): UnifiedRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM pp_unified WHERE environment_id = ?').get(environmentId) as
      UnifiedRow | undefined;
  }

  /** The F&O URL of an installed unified environment. */
  financeOpsUrl(row: UnifiedRow): string | undefined {
    return row.state === 'Installed' && row.fo_env ? this.lifecycle.financeOpsUrl(row.fo_env) : undefined;
  }

  /** Pending -> Installing once the environment exists; Installing -> Installed when the app is in. */
  advance(): void {
    const rows = this.ctx.db
      .prepare("SELECT * FROM pp_unified WHERE state IN ('Pending', 'Installing')")
      .all() as UnifiedRow[];
    for (const row of rows) {
      const env = this.ctx.db
        .prepare('SELECT * FROM pp_environments WHERE id = ?')
        .get(row.environment_id) as PowerPlatformEnvironmentRow | undefined;
      if (!env || env.state !== 'Succeeded') continue;
      if (row.state === 'Pending') this.startFromTemplate(env, row);
      else if (this.powerPlatform.packageState(env, this.pkg(PROVISIONING_APP)) === 'Installed')
        this.finish(env, row);
    }
  }

  private startFromTemplate(env: PowerPlatformEnvironmentRow, row: UnifiedRow): void {
    // The template pre-installs its apps with the environment, the provisioning app last.
    // Not installs the admin asked for: no pp.package.install effect, only the solutions (TYPES).
    for (const key of TEMPLATE_DUAL_WRITE_PACKAGES[row.template as ErpTemplate] ?? [])
      this.powerPlatform.putSolutions(env, packageFact(key));
    for (const name of TEMPLATE_OTHER_PACKAGES[row.template as ErpTemplate] ?? [])
      this.powerPlatform.putSolutions(env, this.pkg(name));
    this.powerPlatform.putSolutions(env, this.pkg(PLATFORM_TOOLS_APP));
    const op = this.powerPlatform.install(env, this.pkg(PROVISIONING_APP));
    this.ctx.db
      .prepare("UPDATE pp_unified SET state = 'Installing', ready_at = ? WHERE environment_id = ?")
      .run(op.ready_at, env.id);
  }

  private finish(env: PowerPlatformEnvironmentRow, row: UnifiedRow): void {
    const fo = this.lifecycle.createUnified(env.org, row.demo_data === 1);
    // A unified environment is its own integration environment (unified-environment-types-and-templates.md).
    this.integration.connect(fo.name, env.org);
    this.ctx.db
      .prepare("UPDATE pp_unified SET state = 'Installed', fo_env = ? WHERE environment_id = ?")
      .run(fo.name, env.id);
  }

  private pkg(uniqueName: string) {
    return PACKAGE_CATALOG.find((candidate) => candidate.uniqueName === uniqueName)!;
  }

  private insert(row: UnifiedRow): void {
    this.ctx.db
      .prepare(
        `INSERT INTO pp_unified (environment_id, template, dev_tools, demo_data, state, fo_env, error, ready_at)
         VALUES (@environment_id, @template, @dev_tools, @demo_data, @state, @fo_env, @error, @ready_at)`,
      )
      .run(row);
  }
}
