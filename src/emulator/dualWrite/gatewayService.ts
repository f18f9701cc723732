import { randomUUID } from 'node:crypto';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { PowerPlatformIntegration } from '../powerPlatform/powerPlatformIntegration';
import type { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import type { EmulatorContext } from '../shell/emulatorContext';
import { EntitySync, type SyncTarget } from './entitySync';
import { ConnectionEdits } from './connectionEdits';
import { checkLinkHealth } from './gatewayChecks';
import {
  GatewayError,
  RESTORE_TEMPLATES_ACTION,
  templateId,
  type ConnectionRow,
  type JobRow,
  type MapRow,
  type MapStateName,
} from './gatewayTypes';
import { LiveSync } from './liveSync';
import { MapActions } from './mapActions';
import { MapProjects } from './mapProjects';
import { DUAL_WRITE_PACKAGES, packageOfMapsSolution } from '../microsoft/packages';
import { MAP_FACTS } from '../microsoft/entityMaps';

// The dual-write gateway's behaviour: connections (F&O env + Dataverse org + legal entities) and the
// maps Apply Solution publishes. The actions on a map live in mapActions.ts.

function appCoreSolutions(): readonly string[] {
  return DUAL_WRITE_PACKAGES.find((pkg) => pkg.key === 'applicationCore')?.solutions ?? [];
}

/** The catalog's map names by template id: a `Start` detail finds its map without listing them all. */
const MAP_OF_TEMPLATE = new Map(MAP_FACTS.map((fact) => [templateId(fact.key), fact.key]));

export { ACTIONS, GatewayError, MAP_STATE_CODES, REQUEST_STATES, templateId } from './gatewayTypes';
export type { ConnectionRow, JobRow, MapRow, MapStateName } from './gatewayTypes';

export class GatewayService {
  readonly sync: EntitySync;
  readonly actions: MapActions;
  readonly live: LiveSync;
  readonly edits: ConnectionEdits;
  readonly projects: MapProjects;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly lifecycle: LifecycleService,
    private readonly powerPlatform: PowerPlatformService,
    integration: PowerPlatformIntegration,
  ) {
    this.sync = new EntitySync(ctx);
    this.actions = new MapActions(ctx, this);
    this.live = new LiveSync(ctx, this);
    this.edits = new ConnectionEdits(ctx, this, integration);
    this.projects = new MapProjects(ctx, this);
  }

  /** Finishes initial syncs whose time has come. */
  advance(): void {
    this.actions.advance();
  }

  connections(): ConnectionRow[] {
    return this.ctx.db.prepare('SELECT * FROM gw_connections ORDER BY created_at').all() as ConnectionRow[];
  }

  connection(id: string): ConnectionRow {
    const row = this.ctx.db.prepare('SELECT * FROM gw_connections WHERE id = ?').get(id) as
      ConnectionRow | undefined;
    if (!row)
      throw new GatewayError(404, 'EnvironmentNotFound', `Dual-write environment ${id} was not found.`);
    return row;
  }

  setLinkedBy(connectionId: string, oid: string): void {
    this.ctx.db.prepare('UPDATE gw_connections SET linked_by = ? WHERE id = ?').run(oid, connectionId);
  }

  legalEntities(connectionId: string): string[] {
    return (
      this.ctx.db
        .prepare('SELECT code FROM gw_legal_entities WHERE connection_id = ? ORDER BY rowid')
        .all(connectionId) as Array<{
        code: string;
      }>
    ).map((row) => row.code);
  }

  /**
   * Link: checks what the real link wizard checks, then records the connection. The gateway has no
   * public create (the link is F&O's wizard): the emulator's link route stands in for the admin.
   */
  createConnection(foUrl: string, dvUrl: string, codes: string[]): ConnectionRow {
    const foEnv = this.resolveFinanceOps(foUrl);
    const dvOrg = this.resolveDataverse(dvUrl);
    this.edits.checkNewLink(foEnv, dvOrg);
    checkLinkHealth(this.ctx, this.lifecycle, this.powerPlatform, foEnv, dvOrg);
    const upper = this.checkLegalEntities(foEnv, codes);
    const row: ConnectionRow = {
      id: randomUUID(),
      fo_env: foEnv,
      dv_org: dvOrg,
      fo_url: this.lifecycle.financeOpsUrl(foEnv),
      dv_url: this.powerPlatform.orgUrl(dvOrg),
      solution_applied: 0,
      created_at: this.ctx.now(),
    };
    this.ctx.db.transaction(() => {
      this.edits.recordIntegration(foEnv, dvOrg);
      this.ctx.db
        .prepare(
          `INSERT INTO gw_connections (id, fo_env, dv_org, fo_url, dv_url, solution_applied, created_at)
           VALUES (@id, @fo_env, @dv_org, @fo_url, @dv_url, @solution_applied, @created_at)`,
        )
        .run(row);
      for (const code of upper) {
        this.ctx.db
          .prepare('INSERT INTO gw_legal_entities (connection_id, code) VALUES (?, ?)')
          .run(row.id, code);
      }
    })();
    this.ctx.effects.record('gw.connection.create', `${foEnv}+${dvOrg}`, upper.join(','));
    return row;
  }

  /** `ConnectionSet/{cid}/Reset` (reset.md): refused while a map runs; otherwise the link starts over. */
  reset(connectionId: string, codes: string[]): ConnectionRow {
    const conn = this.connection(connectionId);
    this.edits.reset(connectionId, this.checkLegalEntities(conn.fo_env, codes));
    return conn;
  }

  /** Add legal entity (edit-legal-entity.md); the emulator's stand-in for the admin's Save. */
  addLegalEntities(connectionId: string, codes: string[], skipInitialWrites: boolean): string[] {
    const conn = this.connection(connectionId);
    return this.edits.addLegalEntities(
      connectionId,
      this.checkLegalEntities(conn.fo_env, codes),
      skipInitialWrites,
    );
  }

  /** The Power Platform environment id behind the connection's Dataverse org (`powerAppsEnvironment`). */
  powerAppsEnvironment(conn: ConnectionRow): string {
    const row = this.ctx.db.prepare('SELECT id FROM pp_environments WHERE org = ?').get(conn.dv_org) as
      { id: string } | undefined;
    return row?.id ?? conn.dv_org;
  }

  /**
   * `SolutionAware/{cid}/Solutions/`: the dual-write solutions this connection can apply, by unique
   * name: the entity maps solution of each installed package, in install order (packages.ts
   * `mapsSolution`; the tool's App.config `<Solutions>` applies these) [inferred from the tool].
   */
  solutions(connectionId: string): string[] {
    const conn = this.connection(connectionId);
    const installed = this.powerPlatform.installedSolutions(conn.dv_org);
    return DUAL_WRITE_PACKAGES.filter(
      (pkg) => pkg.key !== 'core' && pkg.solutions.every((name) => installed.has(name)),
    ).flatMap((pkg) => (pkg.mapsSolution ? [pkg.mapsSolution] : []));
  }

  /**
   * `SolutionAware/{cid}/RestoreTemplates` for one entity maps solution: publishes its package's maps
   * (state None, no project yet); any other name is refused. Finishes at once; a refusal is a failed request (`state` "3"), as the tool reads it.
   */
  restoreTemplates(connectionId: string, uniqueName: string): JobRow {
    const conn = this.connection(connectionId);
    const pkg = packageOfMapsSolution(uniqueName);
    if (!pkg)
      throw new GatewayError(400, 'SolutionNotFound', `${uniqueName} is not a dual-write maps solution.`);
    const job: JobRow = {
      id: randomUUID(),
      connection_id: connectionId,
      map: uniqueName,
      action: RESTORE_TEMPLATES_ACTION,
      status: 'Succeeded',
      error: null,
      created_at: this.ctx.now(),
    };
    const installed = this.powerPlatform.installedSolutions(conn.dv_org);
    const missing = [...pkg.solutions, ...(pkg.key === 'applicationCore' ? [] : appCoreSolutions())].find(
      (name) => !installed.has(name),
    );
    const now = this.ctx.now();
    this.ctx.db.transaction(() => {
      if (missing) {
        job.status = 'Failed';
        job.error = `Apply Solution failed: solution ${missing} is not installed in Dataverse.`;
      } else {
        this.ctx.db.prepare('UPDATE gw_connections SET solution_applied = 1 WHERE id = ?').run(connectionId);
        if (!this.ctx.settings.failures.blankMapList) {
          const absent = new Set(this.ctx.seed.mapsMissingFromSolutions.map((key) => key.toLowerCase()));
          const carried = MAP_FACTS.filter((f) => f.package === pkg.key && !absent.has(f.key.toLowerCase()));
          for (const map of carried) {
            // A map published again has changed: its project needs a refresh before an initial sync.
            this.ctx.db
              .prepare(
                "INSERT INTO gw_maps (connection_id, name, state, updated_at) VALUES (?, ?, 'None', ?) ON CONFLICT (connection_id, name) DO UPDATE SET refreshed = 0",
              )
              .run(connectionId, map.key, now);
          }
        }
      }
      this.ctx.db
        .prepare(
          'INSERT INTO gw_jobs (id, connection_id, map, action, status, error, created_at) VALUES (@id, @connection_id, @map, @action, @status, @error, @created_at)',
        )
        .run(job);
    })();
    if (!missing) this.ctx.effects.record('gw.solution.apply', `${connectionId}/${uniqueName}`);
    return job;
  }

  /** The latest requests on one map, newest first (`detail.lastRequests`). */
  requests(connectionId: string, mapName: string): JobRow[] {
    return this.ctx.db
      .prepare(
        'SELECT * FROM gw_jobs WHERE connection_id = ? AND map = ? ORDER BY created_at DESC, rowid DESC LIMIT 10',
      )
      .all(connectionId, mapName) as JobRow[];
  }

  /**
   * The latest requests of each map of a link, newest first, as `requests` gives them one map at a
   * time: one query for a whole map list.
   */
  requestsByMap(connectionId: string): Map<string, JobRow[]> {
    const rows = this.ctx.db
      .prepare(
        `SELECT id, connection_id, map, action, status, error, created_at FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY map ORDER BY created_at DESC, rowid DESC) AS n
           FROM gw_jobs WHERE connection_id = ?)
         WHERE n <= 10 ORDER BY map, n`,
      )
      .all(connectionId) as JobRow[];
    const byMap = new Map<string, JobRow[]>();
    for (const row of rows) {
      const requests = byMap.get(row.map);
      if (requests) requests.push(row);
      else byMap.set(row.map, [row]);
    }
    return byMap;
  }

  /** The map a `Start` detail names by its template id (`tid`). */
  mapByTemplate(connectionId: string, tid: string): MapRow | undefined {
    const name = MAP_OF_TEMPLATE.get(tid.toLowerCase());
    if (name === undefined)
      return this.maps(connectionId).find((map) => templateId(map.name) === tid.toLowerCase());
    this.connection(connectionId);
    this.actions.advance();
    return this.map(connectionId, name);
  }

  maps(connectionId: string): MapRow[] {
    this.connection(connectionId);
    this.actions.advance();
    return this.ctx.db
      .prepare('SELECT * FROM gw_maps WHERE connection_id = ? ORDER BY rowid')
      .all(connectionId) as MapRow[];
  }

  map(connectionId: string, name: string): MapRow | undefined {
    return this.ctx.db
      .prepare('SELECT * FROM gw_maps WHERE connection_id = ? AND name = ?')
      .get(connectionId, name) as MapRow | undefined;
  }

  /** The jobs of one `Start` request (`<requestId>` and `<requestId>#<n>`). */
  requestJobs(requestId: string): JobRow[] {
    this.actions.advance();
    return (
      this.ctx.db
        // `<requestId>#...` as a key range ('$' follows '#'), so the primary key finds them.
        .prepare("SELECT * FROM gw_jobs WHERE id = ? OR (id >= ? || '#' AND id < ? || '$') ORDER BY rowid")
        .all(requestId, requestId, requestId) as JobRow[]
    );
  }

  transaction(work: () => void): void {
    this.ctx.db.transaction(work)();
  }

  job(id: string): JobRow | undefined {
    this.actions.advance();
    return this.ctx.db.prepare('SELECT * FROM gw_jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  private checkLegalEntities(foEnv: string, codes: string[]): string[] {
    const known = new Set(this.ctx.financeOps.legalEntityIds(foEnv));
    const upper = [...new Set(codes.map((code) => code.toUpperCase()))];
    const unknown = upper.find((code) => !known.has(code));
    if (unknown)
      throw new GatewayError(
        400,
        'LegalEntityNotFound',
        `Legal entity ${unknown} does not exist in Finance and Operations.`,
      );
    return upper;
  }

  private resolveFinanceOps(url: string): string {
    const match = /\/fo\/([^/?#]+)\/?$/.exec(url.trim());
    const env = match ? this.lifecycle.deployed(decodeURIComponent(match[1])) : undefined;
    if (!env)
      throw new GatewayError(
        400,
        'EnvironmentNotFound',
        `No deployed Finance and Operations environment at ${url}.`,
      );
    return env.name;
  }

  private resolveDataverse(url: string): string {
    const match = /\/orgs\/([^/?#]+)\/?$/.exec(url.trim());
    this.powerPlatform.advance();
    if (!match || !this.ctx.dataverse.hasOrg(match[1])) {
      throw new GatewayError(400, 'EnvironmentNotFound', `No Dataverse environment at ${url}.`);
    }
    return match[1];
  }

  target(conn: ConnectionRow): SyncTarget {
    return { connectionId: conn.id, foEnv: conn.fo_env, dvOrg: conn.dv_org };
  }

  setState(map: MapRow, state: MapStateName, error: string | null): void {
    this.ctx.db
      .prepare(
        'UPDATE gw_maps SET state = ?, last_error = ?, sync_due_at = NULL, updated_at = ? WHERE connection_id = ? AND name = ?',
      )
      .run(state, error, this.ctx.now(), map.connection_id, map.name);
  }

  fail(job: JobRow, map: MapRow, message: string): void {
    job.status = 'Failed';
    job.error = message;
    this.setState(map, 'NotRunning', message);
  }
}
