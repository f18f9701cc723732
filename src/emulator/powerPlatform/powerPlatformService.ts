import { randomUUID } from 'node:crypto';
import { DEFAULT_DATAVERSE_APP_USERS } from '../microsoft/appIds';
import {
  CRM_PRIME_SOLUTION,
  DATAVERSE_VERSION,
  DUAL_WRITE_PACKAGES,
  packageFact,
  PLUGIN_ASSEMBLIES,
  PLUGIN_STEP_NAMES,
} from '../microsoft/packages';
import {
  FINANCE_OPS_APP_PACKAGES,
  PROVISIONING_APP,
  PROVISIONING_APP_SECONDS,
  TEMPLATE_PACKAGES,
} from '../microsoft/unifiedEnvironments';
import { dueAt, type EmulatorContext } from '../shell/emulatorContext';
import { ConflictError } from '../lcs/lifecycleService';

/** Creating a Dataverse environment takes minutes; installing a package a few more (scaled). */
const CREATE_SECONDS = 600;
const INSTALL_SECONDS = 300;

export interface PowerPlatformEnvironmentRow {
  id: string;
  display_name: string;
  org: string;
  crm_prime: number;
  tenant_id: string;
  /** Environment type: Sandbox, Production or Trial. */
  sku: string;
  /** Location code of the create body (`unitedstates`, `europe`, ...). */
  location: string;
  state: 'Creating' | 'Succeeded' | 'Failed';
  created_at: number;
  ready_at: number;
}

export interface PackageOperationRow {
  id: string;
  environment_id: string;
  unique_name: string;
  status: 'Running' | 'Succeeded' | 'Failed';
  error: string | null;
  created_at: number;
  ready_at: number;
}

/** A package the catalog offers, and the Dataverse solutions it installs. */
export interface PackageDefinition {
  uniqueName: string;
  localizedName: string;
  solutions: readonly string[];
  version: string;
}

export const PACKAGE_CATALOG: readonly PackageDefinition[] = [
  ...DUAL_WRITE_PACKAGES,
  ...FINANCE_OPS_APP_PACKAGES,
  ...TEMPLATE_PACKAGES,
];

export const DATAVERSE_SOLUTION_VERSION = DATAVERSE_VERSION;
const CORE = packageFact('core');

/** The longest poll hint the emulator sends, modelled seconds [inferred]. */
export const POLL_HINT_MAX_SECONDS = 60;

/** BAP environments (each backed by a Dataverse org) and application package installs. */
export class PowerPlatformService {
  /** Runs after every advance (the unified environments' provisioning app follows the environments). */
  afterAdvance?: () => void;
  private advancing = false;

  constructor(private readonly ctx: EmulatorContext) {}

  /**
   * `Retry-After` of a long operation still running, due at `readyAt`: the modelled seconds until
   * it is due, whole, between 1 and 60, then time-scaled (the scaled value may have decimals).
   * Microsoft documents the header on these answers (terraform-provider-power-platform waits it
   * out between lifecycle-operation polls), not its value: the value is [inferred].
   */
  retryAfter(readyAt: number): string {
    const scale = this.ctx.settings.timeScale;
    const modelled = Math.ceil(Math.max(0, readyAt - this.ctx.now()) / scale / 1000);
    const seconds = Math.min(POLL_HINT_MAX_SECONDS, Math.max(1, modelled)) * scale;
    return String(Math.round(seconds * 1000) / 1000);
  }

  createEnvironment(
    displayName: string,
    crmPrime: boolean,
    sku = 'Sandbox',
    location = 'unitedstates',
  ): PowerPlatformEnvironmentRow {
    if (this.findByName(displayName))
      throw new ConflictError(`An environment named ${displayName} already exists.`);
    const org = displayName.toLowerCase().replace(/[^a-z0-9]/g, '');
    const row: PowerPlatformEnvironmentRow = {
      id: randomUUID(),
      display_name: displayName,
      org,
      crm_prime: crmPrime ? 1 : 0,
      tenant_id: this.ctx.seed.tenantId,
      sku,
      location,
      state: 'Creating',
      created_at: this.ctx.now(),
      ready_at: dueAt(this.ctx, CREATE_SECONDS),
    };
    this.insert(row);
    this.ctx.effects.record('pp.environment.create', displayName, crmPrime ? 'crm prime' : 'plain');
    return row;
  }

  /** The existing org of the seed data (shell/seed.ts): created and filled at once. */
  seedExisting(displayName: string, counts: { accounts: number; contacts: number }, appUsers: boolean): void {
    if (this.findByName(displayName)) return;
    const now = this.ctx.now();
    const row: PowerPlatformEnvironmentRow = {
      id: randomUUID(),
      display_name: displayName,
      org: displayName.toLowerCase().replace(/[^a-z0-9]/g, ''),
      crm_prime: 1,
      tenant_id: this.ctx.seed.tenantId,
      sku: 'Sandbox',
      location: 'unitedstates',
      state: 'Succeeded',
      created_at: now,
      ready_at: now,
    };
    this.insert(row);
    this.provisionOrg(row, appUsers);
    this.ctx.dataverse.seedExisting(row.org, counts);
  }

  advance(): void {
    const now = this.ctx.now();
    const due = this.ctx.db
      .prepare("SELECT * FROM pp_environments WHERE state = 'Creating' AND ready_at <= ?")
      .all(now) as PowerPlatformEnvironmentRow[];
    for (const row of due) {
      this.provisionOrg(row, !this.ctx.settings.failures.missingAppUsers);
      this.ctx.db.prepare("UPDATE pp_environments SET state = 'Succeeded' WHERE id = ?").run(row.id);
    }
    const ops = this.ctx.db
      .prepare("SELECT * FROM pp_operations WHERE status = 'Running' AND ready_at <= ?")
      .all(now) as PackageOperationRow[];
    for (const op of ops) this.finishInstall(op);
    if (this.afterAdvance && !this.advancing) {
      this.advancing = true;
      try {
        this.afterAdvance();
      } finally {
        this.advancing = false;
      }
    }
  }

  list(): PowerPlatformEnvironmentRow[] {
    this.advance();
    return this.ctx.db
      .prepare('SELECT * FROM pp_environments ORDER BY created_at')
      .all() as PowerPlatformEnvironmentRow[];
  }

  findById(id: string): PowerPlatformEnvironmentRow | undefined {
    this.advance();
    return this.ctx.db.prepare('SELECT * FROM pp_environments WHERE id = ?').get(id) as
      PowerPlatformEnvironmentRow | undefined;
  }

  findByName(displayName: string): PowerPlatformEnvironmentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM pp_environments WHERE display_name = ?').get(displayName) as
      PowerPlatformEnvironmentRow | undefined;
  }

  orgUrl(org: string): string {
    return `${this.ctx.baseUrl()}/orgs/${org}`;
  }

  /** The packages an environment's list offers: the catalog less those the tenant is not entitled to (seed). */
  offeredPackages(): PackageDefinition[] {
    const withheld = new Set(this.ctx.seed.packagesWithoutEntitlement.map((name) => name.toLowerCase()));
    return PACKAGE_CATALOG.filter((pkg) => !withheld.has(pkg.uniqueName.toLowerCase()));
  }

  /** The installed solutions of an org, by unique name. */
  installedSolutions(org: string): Set<string> {
    if (!this.ctx.dataverse.hasOrg(org)) return new Set();
    return new Set(this.ctx.dataverse.list(org, 'solutions').map((row) => String(row.uniquename)));
  }

  packageState(
    env: PowerPlatformEnvironmentRow,
    pkg: PackageDefinition,
  ): 'Installed' | 'Installing' | 'InstallFailed' | 'None' {
    const installed = this.installedSolutions(env.org);
    if (pkg.solutions.every((name) => installed.has(name))) return 'Installed';
    const last = this.ctx.db
      .prepare(
        'SELECT status FROM pp_operations WHERE environment_id = ? AND unique_name = ? ORDER BY created_at DESC LIMIT 1',
      )
      .get(env.id, pkg.uniqueName) as { status: string } | undefined;
    if (last?.status === 'Running') return 'Installing';
    if (last?.status === 'Failed') return 'InstallFailed';
    return 'None';
  }

  /** Starts an install; a second request while one runs returns the running operation. */
  install(env: PowerPlatformEnvironmentRow, pkg: PackageDefinition): PackageOperationRow {
    const running = this.ctx.db
      .prepare(
        "SELECT * FROM pp_operations WHERE environment_id = ? AND unique_name = ? AND status = 'Running'",
      )
      .get(env.id, pkg.uniqueName) as PackageOperationRow | undefined;
    if (running) return running;
    const op: PackageOperationRow = {
      id: randomUUID(),
      environment_id: env.id,
      unique_name: pkg.uniqueName,
      status: 'Running',
      error: null,
      created_at: this.ctx.now(),
      // The provisioning app "takes about an hour"; other packages minutes [inferred].
      ready_at: dueAt(
        this.ctx,
        pkg.uniqueName === PROVISIONING_APP ? PROVISIONING_APP_SECONDS : INSTALL_SECONDS,
      ),
    };
    this.ctx.db
      .prepare(
        `INSERT INTO pp_operations (id, environment_id, unique_name, status, error, created_at, ready_at)
         VALUES (@id, @environment_id, @unique_name, @status, @error, @created_at, @ready_at)`,
      )
      .run(op);
    this.ctx.effects.record('pp.package.install', `${env.display_name}/${pkg.uniqueName}`);
    return op;
  }

  operation(id: string): PackageOperationRow | undefined {
    this.advance();
    return this.ctx.db.prepare('SELECT * FROM pp_operations WHERE id = ?').get(id) as
      PackageOperationRow | undefined;
  }

  private finishInstall(op: PackageOperationRow): void {
    const env = this.ctx.db.prepare('SELECT * FROM pp_environments WHERE id = ?').get(op.environment_id) as
      PowerPlatformEnvironmentRow | undefined;
    const pkg = PACKAGE_CATALOG.find((p) => p.uniqueName === op.unique_name);
    let error: string | null = null;
    if (!env || !pkg) error = 'The environment or package no longer exists.';
    else if (pkg.uniqueName === CORE.uniqueName && this.ctx.settings.failures.coreSolutionMissing) {
      error = `Solution ${CORE.solutions[0]} failed to import: the solution manifest could not be read.`;
    } else {
      this.putSolutions(env, pkg);
    }
    this.ctx.db
      .prepare('UPDATE pp_operations SET status = ?, error = ? WHERE id = ?')
      .run(error ? 'Failed' : 'Succeeded', error, op.id);
  }

  /** Writes a package's solutions (and, for the core, its plug-in assemblies) into the org. */
  putSolutions(env: PowerPlatformEnvironmentRow, pkg: PackageDefinition): void {
    {
      const installed = this.installedSolutions(env.org);
      for (const solution of pkg.solutions) {
        if (installed.has(solution)) continue;
        this.ctx.dataverse.insert(env.org, 'solutions', {
          uniquename: solution,
          friendlyname: solution,
          version: pkg.version,
        });
        this.ctx.effects.record('dv.solution.install', `${env.org}/${solution}`);
      }
      // The core solution registers the dual-write plug-in assemblies (requirements-and-prerequisites.md).
      if (pkg.uniqueName === CORE.uniqueName && !this.ctx.settings.failures.pluginsDisabled) {
        const present = new Set(
          this.ctx.dataverse.list(env.org, 'pluginassemblies').map((row) => String(row.name)),
        );
        for (const name of PLUGIN_ASSEMBLIES)
          if (!present.has(name)) {
            this.ctx.dataverse.insert(env.org, 'pluginassemblies', { name, version: pkg.version });
            for (const step of PLUGIN_STEP_NAMES(name))
              this.ctx.dataverse.insert(env.org, 'sdkmessageprocessingsteps', { name: step });
          }
      }
    }
  }

  private provisionOrg(row: PowerPlatformEnvironmentRow, appUsers: boolean): void {
    const dv = this.ctx.dataverse;
    if (!dv.hasOrg(row.org)) dv.createOrg(row.org);
    const installed = this.installedSolutions(row.org);
    if (row.crm_prime && !installed.has(CRM_PRIME_SOLUTION)) {
      dv.insert(row.org, 'solutions', {
        uniquename: CRM_PRIME_SOLUTION,
        friendlyname: 'Dynamics 365 base',
        version: DATAVERSE_SOLUTION_VERSION,
      });
    }
    if (appUsers) {
      const present = new Set(
        dv.list(row.org, 'systemusers').map((user) => String(user.applicationid ?? '')),
      );
      for (const appId of DEFAULT_DATAVERSE_APP_USERS) {
        if (!present.has(appId))
          dv.insert(row.org, 'systemusers', {
            applicationid: appId,
            fullname: `# Dual-write ${appId.slice(0, 8)}`,
          });
      }
    }
  }

  private insert(row: PowerPlatformEnvironmentRow): void {
    this.ctx.db
      .prepare(
        `INSERT INTO pp_environments (id, display_name, org, crm_prime, tenant_id, sku, location, state, created_at, ready_at)
         VALUES (@id, @display_name, @org, @crm_prime, @tenant_id, @sku, @location, @state, @created_at, @ready_at)`,
      )
      .run(row);
  }
}
