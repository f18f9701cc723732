import { NOT_INTEGRATED } from '../microsoft/connectionRules';
import { ODataError } from '../dataverse/odataErrors';
import type { EmulatorContext } from '../shell/emulatorContext';

// Power Platform integration (enable-power-platform-integration.md): an F&O environment and a Power
// Platform environment with Dataverse, "one to one"; set up in Lifecycle Services, or by the
// provisioning app for a unified environment, and not reversible. Dataverse answers it through
// `RetrieveFinanceAndOperationsIntegrationDetails`.

export class IntegrationConflict extends Error {}

export interface IntegrationDetails {
  Url: string;
  TenantId: string;
  Id: string;
}

export class PowerPlatformIntegration {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly financeOps: { url(foEnv: string): string; id(foEnv: string): string | undefined },
  ) {}

  dataverseOf(foEnv: string): string | undefined {
    const row = this.ctx.db.prepare('SELECT dv_org FROM pp_integrations WHERE fo_env = ?').get(foEnv) as
      { dv_org: string } | undefined;
    return row?.dv_org;
  }

  financeOpsOf(dvOrg: string): string | undefined {
    const row = this.ctx.db.prepare('SELECT fo_env FROM pp_integrations WHERE dv_org = ?').get(dvOrg) as
      { fo_env: string } | undefined;
    return row?.fo_env;
  }

  /** Records the integration; refuses a second partner on either side (one to one). */
  connect(foEnv: string, dvOrg: string): void {
    const current = this.dataverseOf(foEnv);
    if (current === dvOrg) return;
    if (current) throw new IntegrationConflict(`${foEnv} is already integrated with ${current}.`);
    const other = this.financeOpsOf(dvOrg);
    if (other) throw new IntegrationConflict(`${dvOrg} is already integrated with ${other}.`);
    this.ctx.db
      .prepare('INSERT INTO pp_integrations (fo_env, dv_org, created_at) VALUES (?, ?, ?)')
      .run(foEnv, dvOrg, this.ctx.now());
    this.ctx.effects.record('pp.integration.connect', `${foEnv}+${dvOrg}`);
  }

  /** The documented answer of the function; its documented error (400) without an integration. */
  details(dvOrg: string): IntegrationDetails {
    const foEnv = this.financeOpsOf(dvOrg);
    const id = foEnv ? this.financeOps.id(foEnv) : undefined;
    if (!foEnv || !id) throw new ODataError(400, NOT_INTEGRATED.code, NOT_INTEGRATED.message);
    return { Url: this.financeOps.url(foEnv), TenantId: this.ctx.seed.tenantId, Id: id };
  }
}
