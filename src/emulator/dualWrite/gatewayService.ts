import { randomUUID } from 'node:crypto';
import {
  ENTITY_MAP_CATALOG,
  findEntityMap,
  type EntityMapDefinition,
} from '../../engine/catalog/entityMapCatalog';
import { DUAL_WRITE_ORCHESTRATION_SOLUTIONS } from '../../engine/catalog/solutions';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import { dueAt, type EmulatorContext } from '../shell/emulatorContext';
import { EntitySync, type SyncTarget } from './entitySync';
import { checkLinkHealth, initialSyncRefusal } from './gatewayChecks';

/**
 * The dual-write gateway's behaviour: connections (F&O env + Dataverse org + legal entities), the
 * maps Apply Solution publishes, and the actions on a map (start, stop, pause, resume, initial sync).
 */
export type MapStateName = 'NotRunning' | 'InitialSync' | 'Running' | 'Paused' | 'Stopped';
export const MAP_STATE_CODES: Record<MapStateName, number> = {
  Stopped: 1,
  InitialSync: 2,
  Running: 4,
  Paused: 5,
  NotRunning: 6,
};
export const ACTIONS = { start: 1, stop: 4, pause: 5, resume: 6, initialSync: 8 } as const;

/** An initial sync takes about a minute per map in the real world (scaled). */
const INITIAL_SYNC_SECONDS = 60;

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnectionRow {
  id: string;
  fo_env: string;
  dv_org: string;
  fo_url: string;
  dv_url: string;
  solution_applied: number;
  created_at: number;
}

export interface MapRow {
  connection_id: string;
  name: string;
  state: MapStateName;
  last_error: string | null;
  master: string | null;
  sync_companies: string | null;
  sync_due_at: number | null;
  updated_at: number;
}

export interface JobRow {
  id: string;
  connection_id: string;
  map: string;
  action: number;
  status: 'Running' | 'Succeeded' | 'Failed';
  error: string | null;
  created_at: number;
}

export class GatewayService {
  readonly sync: EntitySync;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly lifecycle: LifecycleService,
    private readonly powerPlatform: PowerPlatformService,
  ) {
    this.sync = new EntitySync(ctx);
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

  legalEntities(connectionId: string): string[] {
    return (
      this.ctx.db
        .prepare('SELECT code FROM gw_legal_entities WHERE connection_id = ? ORDER BY rowid')
        .all(connectionId) as Array<{
        code: string;
      }>
    ).map((row) => row.code);
  }

  /** Link: checks what the real link wizard checks, then records the connection. */
  createConnection(foUrl: string, dvUrl: string, codes: string[]): ConnectionRow {
    const foEnv = this.resolveFinanceOps(foUrl);
    const dvOrg = this.resolveDataverse(dvUrl);
    const existing = this.ctx.db
      .prepare('SELECT * FROM gw_connections WHERE fo_env = ? AND dv_org = ?')
      .get(foEnv, dvOrg) as ConnectionRow | undefined;
    if (existing)
      throw new GatewayError(
        409,
        'EnvironmentAlreadyLinked',
        'These environments are already linked for dual-write.',
      );
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

  /** Adds companies not linked yet; while Legal entities runs, their cdm_companies rows appear. */
  addLegalEntities(connectionId: string, codes: string[]): ConnectionRow {
    const conn = this.connection(connectionId);
    const upper = this.checkLegalEntities(conn.fo_env, codes);
    const present = new Set(this.legalEntities(connectionId));
    for (const code of upper) {
      if (present.has(code)) continue;
      this.ctx.db
        .prepare('INSERT INTO gw_legal_entities (connection_id, code) VALUES (?, ?)')
        .run(connectionId, code);
      this.ctx.effects.record('gw.legalEntity.add', `${connectionId}/${code}`);
    }
    if (this.map(connectionId, 'Legal entities')?.state === 'Running') {
      this.sync.ensureCompanies(this.target(conn), this.legalEntities(connectionId));
    }
    return conn;
  }

  /** Apply Solution: publishes the maps of the orchestration solutions installed in Dataverse. */
  applySolution(connectionId: string): void {
    const conn = this.connection(connectionId);
    const installed = this.powerPlatform.installedSolutions(conn.dv_org);
    const missing = DUAL_WRITE_ORCHESTRATION_SOLUTIONS.filter((name) => !installed.has(name));
    if (missing.length) {
      throw new GatewayError(
        400,
        'SolutionNotFound',
        `Apply Solution failed: solution ${missing[0]} is not installed in Dataverse.`,
      );
    }
    const now = this.ctx.now();
    this.ctx.db.transaction(() => {
      this.ctx.db.prepare('UPDATE gw_connections SET solution_applied = 1 WHERE id = ?').run(connectionId);
      if (this.ctx.settings.failures.blankMapList) return;
      for (const map of ENTITY_MAP_CATALOG) {
        this.ctx.db
          .prepare(
            "INSERT OR IGNORE INTO gw_maps (connection_id, name, state, updated_at) VALUES (?, ?, 'NotRunning', ?)",
          )
          .run(connectionId, map.name, now);
      }
    })();
    this.ctx.effects.record('gw.solution.apply', connectionId);
  }

  maps(connectionId: string): MapRow[] {
    this.connection(connectionId);
    this.advance();
    return this.ctx.db
      .prepare('SELECT * FROM gw_maps WHERE connection_id = ? ORDER BY rowid')
      .all(connectionId) as MapRow[];
  }

  map(connectionId: string, name: string): MapRow | undefined {
    return this.ctx.db
      .prepare('SELECT * FROM gw_maps WHERE connection_id = ? AND name = ?')
      .get(connectionId, name) as MapRow | undefined;
  }

  job(id: string): JobRow | undefined {
    this.advance();
    return this.ctx.db.prepare('SELECT * FROM gw_jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  /** One action on one map; returns the job to poll with `Status/{id}`. */
  act(
    connectionId: string,
    mapName: string,
    action: number,
    options: { master?: string; legalEntities?: string[] },
  ): JobRow {
    const conn = this.connection(connectionId);
    const definition = findEntityMap(mapName);
    const map = definition ? this.map(connectionId, definition.name) : undefined;
    if (!definition || !map)
      throw new GatewayError(
        404,
        'EntityNotFound',
        `Entity map ${mapName} is not published for this environment.`,
      );
    const job: JobRow = {
      id: randomUUID(),
      connection_id: connectionId,
      map: definition.name,
      action,
      status: 'Succeeded',
      error: null,
      created_at: this.ctx.now(),
    };
    const failures = this.ctx.settings.failures;
    switch (action) {
      case ACTIONS.start:
      case ACTIONS.initialSync: {
        if (failures.pluginsDisabled) {
          this.fail(
            job,
            map,
            'The dual-write runtime plug-ins are disabled in Dataverse: enable the plug-in assemblies of the Dual-write core solution.',
          );
          break;
        }
        this.ctx.effects.record(
          'gw.map.start',
          `${connectionId}/${definition.name}`,
          action === ACTIONS.initialSync ? 'initial sync' : 'live',
        );
        if (action === ACTIONS.start) {
          this.setState(map, 'Running', null);
          if (definition.name === 'Legal entities')
            this.sync.ensureCompanies(this.target(conn), this.legalEntities(connectionId));
          break;
        }
        const companies = (
          options.legalEntities?.length ? options.legalEntities : this.legalEntities(connectionId)
        ).map((c) => c.toUpperCase());
        const error = initialSyncRefusal(
          this.ctx,
          (id, name) => this.map(id, name),
          conn,
          definition,
          companies,
        );
        if (error && error.immediate) {
          this.fail(job, map, error.message);
          break;
        }
        job.status = 'Running';
        job.error = error?.message ?? null;
        this.ctx.db
          .prepare(
            "UPDATE gw_maps SET state = 'InitialSync', last_error = NULL, master = ?, sync_companies = ?, sync_due_at = ?, updated_at = ? WHERE connection_id = ? AND name = ?",
          )
          .run(
            options.master ?? 'Dataverse',
            JSON.stringify(companies),
            dueAt(this.ctx, INITIAL_SYNC_SECONDS),
            this.ctx.now(),
            connectionId,
            definition.name,
          );
        break;
      }
      case ACTIONS.stop:
        this.setState(map, 'Stopped', null);
        this.ctx.effects.record('gw.map.stop', `${connectionId}/${definition.name}`);
        break;
      case ACTIONS.pause:
        if (map.state !== 'Running')
          throw new GatewayError(
            400,
            'InvalidState',
            `Only a running map can be paused; ${definition.name} is ${map.state}.`,
          );
        this.setState(map, 'Paused', null);
        this.ctx.effects.record('gw.map.pause', `${connectionId}/${definition.name}`);
        break;
      case ACTIONS.resume:
        if (map.state !== 'Paused')
          throw new GatewayError(
            400,
            'InvalidState',
            `Only a paused map can be resumed; ${definition.name} is ${map.state}.`,
          );
        this.setState(map, 'Running', null);
        this.ctx.effects.record('gw.map.resume', `${connectionId}/${definition.name}`);
        break;
      default:
        throw new GatewayError(
          400,
          'InvalidAction',
          `Unknown action ${action}. Use 1 (start), 4 (stop), 5 (pause), 6 (resume) or 8 (initial sync).`,
        );
    }
    this.ctx.db
      .prepare(
        'INSERT INTO gw_jobs (id, connection_id, map, action, status, error, created_at) VALUES (@id, @connection_id, @map, @action, @status, @error, @created_at)',
      )
      .run(job);
    return job;
  }

  /** Finishes initial syncs whose time has come: copies the rows, or fails with the decided error. */
  advance(): void {
    const due = this.ctx.db
      .prepare("SELECT * FROM gw_maps WHERE state = 'InitialSync' AND sync_due_at <= ?")
      .all(this.ctx.now()) as MapRow[];
    for (const map of due) {
      const job = this.ctx.db
        .prepare(
          "SELECT * FROM gw_jobs WHERE connection_id = ? AND map = ? AND status = 'Running' ORDER BY created_at DESC LIMIT 1",
        )
        .get(map.connection_id, map.name) as JobRow | undefined;
      const conn = this.connection(map.connection_id);
      const definition = findEntityMap(map.name) as EntityMapDefinition;
      let error = job?.error ?? null;
      if (!error) {
        try {
          const companies = JSON.parse(map.sync_companies ?? '[]') as string[];
          const target = this.target(conn);
          this.ctx.effects.record(
            'gw.initialSync.run',
            `${conn.id}/${map.name}`,
            `${map.master}:${companies.join(',')}`,
          );
          if (definition.name === 'Legal entities') this.sync.ensureCompanies(target, companies);
          else if (map.master === 'FinanceAndOperations')
            this.sync.toDataverse(target, definition, companies, false);
          else this.sync.toFinanceOps(target, definition, companies, false);
        } catch (caught) {
          error = caught instanceof Error ? caught.message : String(caught);
        }
      }
      this.setState(map, error ? 'NotRunning' : 'Running', error);
      if (job)
        this.ctx.db
          .prepare('UPDATE gw_jobs SET status = ?, error = ? WHERE id = ?')
          .run(error ? 'Failed' : 'Succeeded', error, job.id);
    }
  }

  /** One live-sync pass: new rows of connected companies cross to the other side for running maps. */
  liveSyncPass(): number {
    let moved = 0;
    for (const conn of this.connections()) {
      const running = this.ctx.db
        .prepare(
          "SELECT * FROM gw_maps WHERE connection_id = ? AND state = 'Running' AND name <> 'Legal entities'",
        )
        .all(conn.id) as MapRow[];
      if (!running.length) continue;
      const target = this.target(conn);
      const companies = this.legalEntities(conn.id);
      for (const map of running) {
        const definition = findEntityMap(map.name);
        if (!definition) continue;
        try {
          const available = companies.filter(
            (code) => !definition.companySpecific || this.sync.companyId(conn.dv_org, code),
          );
          moved += this.sync.toDataverse(target, definition, available, true);
          moved += this.sync.toFinanceOps(target, definition, available, true);
        } catch (error) {
          this.ctx.logger?.debug({ err: error, map: map.name }, 'live sync pass skipped a map');
        }
      }
    }
    return moved;
  }

  /** Rows of F&O's `DualWriteProjectConfigurations` for one F&O environment. [inferred shape] */
  projectConfigurations(foEnv: string): Array<Record<string, unknown>> {
    return this.connections()
      .filter((conn) => conn.fo_env.toLowerCase() === foEnv.toLowerCase())
      .flatMap((conn) =>
        this.maps(conn.id).map((map) => {
          const definition = findEntityMap(map.name);
          return {
            ProjectName: map.name,
            InternalEntityName: definition?.financeOpsEntitySet ?? '',
            ExternalEntityName: definition?.dataverseEntitySet ?? '',
            IsActive: map.state === 'Running',
            Status: map.state,
            LegalEntities: this.legalEntities(conn.id)
              .map((c) => c.toLowerCase())
              .join(','),
            DataverseEnvironmentUrl: conn.dv_url,
            // The column Microsoft's troubleshooting articles query the link by.
            ExternalEnvironmentURL: conn.dv_url,
            LastError: map.last_error ?? '',
          };
        }),
      );
  }

  /**
   * Rows of F&O's `DualWriteLegalEntities` for one F&O environment: the companies of its link, one row
   * per company, from the moment of linking (before Apply Solution publishes any map). [inferred]
   */
  linkedLegalEntities(foEnv: string): Array<Record<string, unknown>> {
    return this.connections()
      .filter((conn) => conn.fo_env.toLowerCase() === foEnv.toLowerCase())
      .flatMap((conn) =>
        this.legalEntities(conn.id).map((code) => ({
          dataAreaId: code.toLowerCase(),
          ExternalEnvironmentURL: conn.dv_url,
          LinkedOn: new Date(conn.created_at).toISOString(),
        })),
      );
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

  private target(conn: ConnectionRow): SyncTarget {
    return { connectionId: conn.id, foEnv: conn.fo_env, dvOrg: conn.dv_org };
  }

  private setState(map: MapRow, state: MapStateName, error: string | null): void {
    this.ctx.db
      .prepare(
        'UPDATE gw_maps SET state = ?, last_error = ?, sync_due_at = NULL, updated_at = ? WHERE connection_id = ? AND name = ?',
      )
      .run(state, error, this.ctx.now(), map.connection_id, map.name);
  }

  private fail(job: JobRow, map: MapRow, message: string): void {
    job.status = 'Failed';
    job.error = message;
    this.setState(map, 'NotRunning', message);
  }
}
