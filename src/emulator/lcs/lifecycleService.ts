import { randomUUID } from 'node:crypto';
import { compareVersions, MIN_FINANCE_OPS_VERSION } from '../microsoft/appIds';
import {
  companyDemoData,
  companyReferenceData,
  DEMO_COMPANIES,
  EMPTY_INSTANCE_COMPANY,
  globalReferenceData,
  type DemoCompany,
} from '../financeOps/demoData';
import { dueAt, type EmulatorContext } from '../shell/emulatorContext';

/** One hour of deployment, as LCS takes for a sandbox (scaled by the time scale). */
const DEPLOY_SECONDS = 3600;
const CURRENT_VERSION = '10.0.38';
const TOO_OLD_VERSION = '10.0.8';
export const DW9003_MESSAGE = 'DW9003 Failed to connect to CRM/AX';

export interface LcsEnvironmentRow {
  id: string;
  name: string;
  demo_data: number;
  platform_version: string;
  tenant_id: string;
  state: 'Deploying' | 'Deployed' | 'Failed';
  failure_reason: string | null;
  default_company: string;
  created_at: number;
  ready_at: number;
}

export class ConflictError extends Error {}

/** LCS-like provisioning of F&O environments. State advances lazily from stored due times. */
export class LifecycleService {
  constructor(private readonly ctx: EmulatorContext) {}

  deploy(name: string, demoData: boolean): LcsEnvironmentRow {
    if (this.findByName(name))
      throw new ConflictError(`An environment named ${name} already exists in this project.`);
    const failures = this.ctx.settings.failures;
    const row: LcsEnvironmentRow = {
      id: randomUUID(),
      name,
      demo_data: demoData ? 1 : 0,
      platform_version: failures.versionTooOld ? TOO_OLD_VERSION : CURRENT_VERSION,
      tenant_id: this.ctx.seed.tenantId,
      state: 'Deploying',
      // Decided now, revealed when the deployment would finish, as LCS does.
      failure_reason: failures.dw9003 ? DW9003_MESSAGE : null,
      default_company: demoData ? 'usmf' : 'dat',
      created_at: this.ctx.now(),
      ready_at: dueAt(this.ctx, DEPLOY_SECONDS),
    };
    this.ctx.db
      .prepare(
        `INSERT INTO lcs_environments (id, name, demo_data, platform_version, tenant_id, state, failure_reason,
          default_company, created_at, ready_at) VALUES (@id, @name, @demo_data, @platform_version, @tenant_id, @state,
          @failure_reason, @default_company, @created_at, @ready_at)`,
      )
      .run(row);
    this.ctx.effects.record('lcs.deploy', name, demoData ? 'demo data' : 'empty');
    return row;
  }

  /** An environment that exists from the start (seed), deployed already. */
  seedDeployed(name: string, companies: string[], platformVersion: string): void {
    if (this.findByName(name)) return;
    const now = this.ctx.now();
    this.ctx.db
      .prepare(
        `INSERT INTO lcs_environments (id, name, demo_data, platform_version, tenant_id, state, failure_reason,
          default_company, created_at, ready_at) VALUES (?, ?, 1, ?, ?, 'Deployed', NULL, ?, ?, ?)`,
      )
      .run(
        randomUUID(),
        name,
        platformVersion,
        this.ctx.seed.tenantId,
        (companies[0] ?? 'dat').toLowerCase(),
        now,
        now,
      );
    this.loadData(name, demoCompanies(companies));
  }

  /** Finishes deployments whose time has come. */
  advance(): void {
    const due = this.ctx.db
      .prepare("SELECT * FROM lcs_environments WHERE state = 'Deploying' AND ready_at <= ?")
      .all(this.ctx.now()) as LcsEnvironmentRow[];
    for (const row of due) {
      this.ctx.db.transaction(() => {
        if (!row.failure_reason) {
          this.loadData(row.name, row.demo_data ? demoCompanies(this.ctx.seed.demoCompanies) : []);
        }
        this.ctx.db
          .prepare('UPDATE lcs_environments SET state = ? WHERE id = ?')
          .run(row.failure_reason ? 'Failed' : 'Deployed', row.id);
      })();
    }
  }

  /** The environments of the LCS project: a unified environment's F&O is not in LCS. */
  list(): LcsEnvironmentRow[] {
    this.advance();
    return this.ctx.db
      .prepare('SELECT * FROM lcs_environments WHERE unified = 0 ORDER BY created_at')
      .all() as LcsEnvironmentRow[];
  }

  /**
   * The F&O side of a unified environment, once its provisioning app is installed: deployed at once
   * (the hour it takes is the app install's), served under /fo/<name>, unknown to LCS.
   */
  createUnified(name: string, demoData: boolean): LcsEnvironmentRow {
    const existing = this.findByName(name);
    if (existing) return existing;
    const now = this.ctx.now();
    const row: LcsEnvironmentRow = {
      id: randomUUID(),
      name,
      demo_data: demoData ? 1 : 0,
      platform_version: this.ctx.settings.failures.versionTooOld ? TOO_OLD_VERSION : CURRENT_VERSION,
      tenant_id: this.ctx.seed.tenantId,
      state: 'Deployed',
      failure_reason: null,
      default_company: demoData ? 'usmf' : 'dat',
      created_at: now,
      ready_at: now,
    };
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(
          `INSERT INTO lcs_environments (id, name, demo_data, platform_version, tenant_id, state, failure_reason,
            default_company, created_at, ready_at, unified) VALUES (@id, @name, @demo_data, @platform_version,
            @tenant_id, @state, @failure_reason, @default_company, @created_at, @ready_at, 1)`,
        )
        .run(row);
      this.loadData(name, demoData ? demoCompanies(this.ctx.seed.demoCompanies) : []);
    })();
    this.ctx.effects.record('unified.financeOps.ready', name, demoData ? 'demo data' : 'empty');
    return row;
  }

  findByName(name: string): LcsEnvironmentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM lcs_environments WHERE name = ?').get(name) as
      LcsEnvironmentRow | undefined;
  }

  findById(id: string): LcsEnvironmentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM lcs_environments WHERE id = ?').get(id) as
      LcsEnvironmentRow | undefined;
  }

  /** A deployed environment by name (the F&O URL segment), after advancing deployments. */
  deployed(name: string): LcsEnvironmentRow | undefined {
    this.advance();
    const row = this.findByName(name);
    return row?.state === 'Deployed' ? row : undefined;
  }

  isVersionSupported(row: LcsEnvironmentRow): boolean {
    return compareVersions(row.platform_version, MIN_FINANCE_OPS_VERSION) >= 0;
  }

  financeOpsUrl(name: string): string {
    return `${this.ctx.baseUrl()}/fo/${encodeURIComponent(name)}`;
  }

  private loadData(env: string, companies: DemoCompany[]): void {
    const fo = this.ctx.financeOps;
    fo.load(env, globalReferenceData());
    // Every F&O instance has company DAT; demo data adds the Contoso companies beside it.
    fo.load(env, companyReferenceData(EMPTY_INSTANCE_COMPANY));
    for (const company of companies) {
      fo.load(env, companyReferenceData(company));
      fo.load(
        env,
        companyDemoData(company, {
          customers: this.ctx.seed.customersPerCompany,
          vendors: this.ctx.seed.vendorsPerCompany,
        }),
      );
    }
  }
}

function demoCompanies(ids: string[]): DemoCompany[] {
  return ids.map(
    (id) =>
      DEMO_COMPANIES.find((company) => company.id === id.toUpperCase()) ?? {
        id: id.toUpperCase(),
        name: `Contoso ${id.toUpperCase()}`,
        currency: 'USD',
      },
  );
}
