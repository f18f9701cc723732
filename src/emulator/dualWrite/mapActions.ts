import { randomUUID } from 'node:crypto';
import { LEGAL_ENTITIES_KEY, findMapFact, type MapFact } from '../microsoft/entityMaps';
import { dueAt, type EmulatorContext } from '../shell/emulatorContext';
import { initialSyncRefusal, mapStartRefusal, switchedOn } from './gatewayChecks';
import { failureText } from '../microsoft/documentedFailures';
import { initialSyncStartRefusal } from './mapProjects';
import type { EntitySync, SyncTarget } from './entitySync';
import {
  ACTIONS,
  GatewayError,
  type ConnectionRow,
  type JobRow,
  type MapRow,
  type MapStateName,
} from './gatewayTypes';

/** What map actions need of the gateway that owns them (declared here so the two don't import each other). */
export interface MapActionHost {
  readonly sync: EntitySync;
  connections(): ConnectionRow[];
  connection(id: string): ConnectionRow;
  legalEntities(connectionId: string): string[];
  map(connectionId: string, name: string): MapRow | undefined;
  mapByTemplate(connectionId: string, tid: string): MapRow | undefined;
  target(conn: ConnectionRow): SyncTarget;
  setState(map: MapRow, state: MapStateName, error: string | null): void;
  fail(job: JobRow, map: MapRow, message: string): void;
}

// The actions on one map (start with or without initial sync, stop, pause, resume, create the project;
// codes from Microsoft's Dual-write-automations tool) and the initial syncs they start (live sync
// between runs: liveSync.ts).

/** An initial sync takes about a minute per map in the real world (scaled). [inferred] */
const INITIAL_SYNC_SECONDS = 60;

export class MapActions {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly gateway: MapActionHost,
  ) {}

  /**
   * One `Start` detail: an action on the map whose template is `tid`; returns the request to poll with
   * `Status/{requestId}`. Start runs an initial sync unless `skipInitialSync` (DWMapEngine.startStopMap).
   */
  act(
    connectionId: string,
    detail: { tid: string; pid?: string | null },
    action: number,
    options: { skipInitialSync: boolean; master?: 'CRM' | 'AX' },
    requestId: string = randomUUID(),
  ): JobRow {
    const conn = this.gateway.connection(connectionId);
    const map = this.gateway.mapByTemplate(connectionId, detail.tid);
    const definition = map ? findMapFact(map.name) : undefined;
    if (!definition || !map)
      throw new GatewayError(
        404,
        'TemplateNotFound',
        `No map with template ${detail.tid} is published for this environment.`,
      );
    const job: JobRow = {
      id: requestId,
      connection_id: connectionId,
      map: definition.key,
      action,
      status: 'Succeeded',
      error: null,
      created_at: this.ctx.now(),
    };
    if (action !== ACTIONS.init && (!map.pid || detail.pid !== map.pid))
      throw new GatewayError(
        400,
        'ProjectNotFound',
        map.pid
          ? `Project ${detail.pid ?? '(none)'} is not the project of ${definition.key}.`
          : `${definition.key} has no project yet: send action 8 first.`,
      );
    const failures = this.ctx.settings.failures;
    switch (action) {
      case ACTIONS.init:
        // Creates the map's project; a map that has one keeps it [inferred: the tool sends 8 only
        // when pid is null].
        if (!map.pid) {
          this.ctx.db
            .prepare(
              "UPDATE gw_maps SET pid = ?, refreshed = 0, state = CASE state WHEN 'None' THEN 'NotRunning' ELSE state END, updated_at = ? WHERE connection_id = ? AND name = ?",
            )
            .run(randomUUID(), this.ctx.now(), connectionId, definition.key);
          this.ctx.effects.record('gw.map.init', `${connectionId}/${definition.key}`);
        }
        break;
      case ACTIONS.start: {
        // The tool starts an initial sync only from Stopped, right after a Refresh (mapProjects.ts).
        const refused = options.skipInitialSync ? undefined : initialSyncStartRefusal(map);
        if (refused) throw refused;
        const failed = mapStartRefusal(this.ctx, conn, map.pid ?? '');
        if (failed) {
          this.gateway.fail(job, map, failed);
          break;
        }
        if (failures.pluginsDisabled) {
          this.gateway.fail(
            job,
            map,
            'The dual-write runtime plug-ins are disabled in Dataverse: enable the plug-in assemblies of the Dual-write core solution.',
          );
          break;
        }
        this.ctx.effects.record(
          'gw.map.start',
          `${connectionId}/${definition.key}`,
          options.skipInitialSync ? 'live' : 'initial sync',
        );
        if (options.skipInitialSync) {
          this.gateway.setState(map, 'Running', null);
          if (definition.key === LEGAL_ENTITIES_KEY)
            this.gateway.sync.ensureCompanies(
              this.gateway.target(conn),
              this.gateway.legalEntities(connectionId),
            );
          break;
        }
        // Start names no companies: the initial sync covers the connection's legal entities.
        const companies = this.gateway.legalEntities(connectionId).map((c) => c.toUpperCase());
        const error = initialSyncRefusal(
          this.ctx,
          (id, name) => this.gateway.map(id, name),
          conn,
          definition,
          companies,
        );
        if (error && error.immediate) {
          this.gateway.fail(job, map, error.message);
          break;
        }
        job.status = 'Running';
        job.error = error?.message ?? null;
        this.ctx.db
          .prepare(
            "UPDATE gw_maps SET state = 'InitialSync', last_error = NULL, master = ?, sync_companies = ?, sync_due_at = ?, updated_at = ? WHERE connection_id = ? AND name = ?",
          )
          .run(
            options.master === 'AX' ? 'FinanceAndOperations' : 'Dataverse',
            JSON.stringify(companies),
            dueAt(this.ctx, INITIAL_SYNC_SECONDS),
            this.ctx.now(),
            connectionId,
            definition.key,
          );
        break;
      }
      case ACTIONS.stop: {
        // The documented failure of a stop: the request fails, the map keeps its state.
        const refused = switchedOn(this.ctx, 'mapStop');
        if (refused) {
          job.status = 'Failed';
          job.error = failureText(refused, { dataverseUrl: conn.dv_url });
          break;
        }
        this.gateway.setState(map, 'Stopped', null);
        this.ctx.effects.record('gw.map.stop', `${connectionId}/${definition.key}`);
        break;
      }
      case ACTIONS.pause:
        if (map.state !== 'Running')
          throw new GatewayError(
            400,
            'InvalidState',
            `Only a running map can be paused; ${definition.key} is ${map.state}.`,
          );
        this.gateway.setState(map, 'Paused', null);
        this.ctx.effects.record('gw.map.pause', `${connectionId}/${definition.key}`);
        break;
      case ACTIONS.resume:
        if (map.state !== 'Paused')
          throw new GatewayError(
            400,
            'InvalidState',
            `Only a paused map can be resumed; ${definition.key} is ${map.state}.`,
          );
        this.gateway.setState(map, 'Running', null);
        this.ctx.effects.record('gw.map.resume', `${connectionId}/${definition.key}`);
        break;
      default:
        throw new GatewayError(
          400,
          'InvalidAction',
          `Unknown action ${action}. Use 1 (start), 4 (stop), 5 (pause), 6 (resume) or 8 (create the project).`,
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
      // In publish order; the partial index holds only maps in InitialSync.
      .prepare(
        "SELECT * FROM gw_maps INDEXED BY gw_maps_due WHERE state = 'InitialSync' AND sync_due_at <= ? ORDER BY rowid",
      )
      .all(this.ctx.now()) as MapRow[];
    for (const map of due) {
      const job = this.ctx.db
        .prepare(
          "SELECT * FROM gw_jobs WHERE connection_id = ? AND map = ? AND status = 'Running' ORDER BY created_at DESC LIMIT 1",
        )
        .get(map.connection_id, map.name) as JobRow | undefined;
      const conn = this.gateway.connection(map.connection_id);
      const definition = findMapFact(map.name) as MapFact;
      let error = job?.error ?? null;
      if (!error) {
        try {
          const companies = JSON.parse(map.sync_companies ?? '[]') as string[];
          const target = this.gateway.target(conn);
          this.ctx.effects.record(
            'gw.initialSync.run',
            `${conn.id}/${map.name}`,
            `${map.master}:${companies.join(',')}`,
          );
          if (definition.key === LEGAL_ENTITIES_KEY) this.gateway.sync.ensureCompanies(target, companies);
          else if (map.master === 'FinanceAndOperations')
            this.gateway.sync.toDataverse(target, definition, companies, false);
          else this.gateway.sync.toFinanceOps(target, definition, companies, false);
        } catch (caught) {
          error = caught instanceof Error ? caught.message : String(caught);
        }
      }
      this.gateway.setState(map, error ? 'NotRunning' : 'Running', error);
      if (job)
        this.ctx.db
          .prepare('UPDATE gw_jobs SET status = ?, error = ? WHERE id = ?')
          .run(error ? 'Failed' : 'Succeeded', error, job.id);
    }
  }
}
