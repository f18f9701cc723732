import {
  CONNECTION_REFUSALS,
  MAX_LEGAL_ENTITIES_INITIAL_WRITES,
  MAX_LEGAL_ENTITIES_LIVE_SYNC,
  RESET_BLOCKING_STATES,
} from '../microsoft/connectionRules';
import { findMapFact, LEGAL_ENTITIES_KEY } from '../microsoft/entityMaps';
import type { PowerPlatformIntegration } from '../powerPlatform/powerPlatformIntegration';
import type { EmulatorContext } from '../shell/emulatorContext';
import { LookupNotFoundError, type EntitySync, type SyncTarget } from './entitySync';
import { GatewayError, type ConnectionRow, type MapRow } from './gatewayTypes';

// What the service does to a link once it exists, and which links it refuses (the rules and their
// pages: microsoft/connectionRules.ts):
// - one F&O environment to one Dataverse environment, and that Dataverse environment is the F&O
//   environment's Power Platform integration environment (dual-write-faq.md, reset.md);
// - Reset needs every map stopped and clears the maps, their projects, integration keys, the legal
//   entity mapping and the initial-sync history; Apply Solution must run again (reset.md);
// - adding a legal entity keeps the maps: running and paused maps do initial writes for it unless
//   skipped, and it is refused while a map is in Initial writes (edit-legal-entity.md).

export interface ConnectionEditHost {
  readonly sync: EntitySync;
  connections(): ConnectionRow[];
  connection(id: string): ConnectionRow;
  legalEntities(connectionId: string): string[];
  maps(connectionId: string): MapRow[];
  target(conn: ConnectionRow): SyncTarget;
}

export class ConnectionEdits {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly host: ConnectionEditHost,
    private readonly integration: PowerPlatformIntegration,
  ) {}

  /**
   * Refuses a link the service would refuse. An F&O environment with no integration yet gets this
   * Dataverse environment as its integration environment when the link is made [inferred: the link
   * stands in for Lifecycle Services' Power Platform integration setup, which comes first].
   */
  checkNewLink(foEnv: string, dvOrg: string): void {
    const linked = this.host.connections();
    const foLink = linked.find((conn) => conn.fo_env.toLowerCase() === foEnv.toLowerCase());
    if (foLink)
      throw new GatewayError(
        409,
        'EnvironmentAlreadyLinked',
        CONNECTION_REFUSALS.financeOpsLinked(foLink.dv_url),
      );
    const dvLink = linked.find((conn) => conn.dv_org === dvOrg);
    if (dvLink)
      throw new GatewayError(
        409,
        'EnvironmentAlreadyLinked',
        CONNECTION_REFUSALS.dataverseLinked(dvLink.fo_url),
      );
    const integrated = this.integration.dataverseOf(foEnv);
    if (integrated && integrated !== dvOrg)
      throw new GatewayError(
        400,
        'NotIntegrationEnvironment',
        CONNECTION_REFUSALS.notIntegrationEnvironment(integrated),
      );
    const partner = this.integration.financeOpsOf(dvOrg);
    if (partner && partner.toLowerCase() !== foEnv.toLowerCase())
      throw new GatewayError(
        400,
        'NotIntegrationEnvironment',
        CONNECTION_REFUSALS.integratedElsewhere(partner),
      );
  }

  /** Records the integration the link relies on (see checkNewLink). */
  recordIntegration(foEnv: string, dvOrg: string): void {
    this.integration.connect(foEnv, dvOrg);
  }

  /** `ConnectionSet/{cid}/Reset`: refused unless every map is stopped; then the link starts over. */
  reset(connectionId: string, codes: string[]): void {
    const conn = this.host.connection(connectionId);
    const notStopped = this.host
      .maps(connectionId)
      .filter((map) => (RESET_BLOCKING_STATES as readonly string[]).includes(map.state))
      .map((map) => map.name);
    if (notStopped.length)
      throw new GatewayError(409, 'MapsNotStopped', CONNECTION_REFUSALS.resetWhileRunning(notStopped));
    const db = this.ctx.db;
    db.transaction(() => {
      for (const table of ['gw_maps', 'gw_jobs', 'gw_legal_entities'])
        db.prepare(`DELETE FROM ${table} WHERE connection_id = ?`).run(conn.id);
      this.host.sync.forget(conn.id);
      for (const code of codes)
        db.prepare('INSERT INTO gw_legal_entities (connection_id, code) VALUES (?, ?)').run(conn.id, code);
      db.prepare('UPDATE gw_connections SET solution_applied = 0 WHERE id = ?').run(conn.id);
    })();
    this.ctx.effects.record('gw.connection.reset', conn.id, codes.join(','));
  }

  /**
   * Environment details > Add legal entity (no public API: the emulator's stand-in for the admin's
   * Save). Returns the companies added.
   */
  addLegalEntities(connectionId: string, codes: string[], skipInitialWrites: boolean): string[] {
    const conn = this.host.connection(connectionId);
    const maps = this.host.maps(connectionId);
    const writing = maps.filter((map) => map.state === 'InitialSync').map((map) => map.name);
    if (writing.length)
      throw new GatewayError(
        409,
        'InitialWritesInProgress',
        CONNECTION_REFUSALS.initialWritesInProgress(writing),
      );
    const present = new Set(this.host.legalEntities(connectionId));
    const added = [...new Set(codes)].filter((code) => !present.has(code));
    if (present.size + added.length > MAX_LEGAL_ENTITIES_LIVE_SYNC)
      throw new GatewayError(
        400,
        'TooManyLegalEntities',
        CONNECTION_REFUSALS.tooManyForLiveSync(present.size + added.length),
      );
    if (!skipInitialWrites && added.length > MAX_LEGAL_ENTITIES_INITIAL_WRITES)
      throw new GatewayError(
        400,
        'TooManyLegalEntities',
        CONNECTION_REFUSALS.tooManyForInitialWrites(added.length),
      );
    if (!added.length) return [];
    this.ctx.db.transaction(() => {
      for (const code of added) {
        this.ctx.db
          .prepare('INSERT INTO gw_legal_entities (connection_id, code) VALUES (?, ?)')
          .run(connectionId, code);
        this.ctx.effects.record('gw.legalEntity.add', `${connectionId}/${code}`);
      }
    })();
    if (!skipInitialWrites) this.initialWrites(conn, maps, added);
    return added;
  }

  /**
   * Running and paused maps write the new companies' F&O rows to Dataverse, Legal entities first (the
   * company rows the others' lookups need) [inferred order: the page names none].
   */
  private initialWrites(conn: ConnectionRow, maps: MapRow[], added: string[]): void {
    const target = this.host.target(conn);
    const live = maps.filter((map) => map.state === 'Running' || map.state === 'Paused');
    const ordered = [
      ...live.filter((map) => map.name === LEGAL_ENTITIES_KEY),
      ...live.filter((map) => map.name !== LEGAL_ENTITIES_KEY),
    ];
    for (const map of ordered) {
      const fact = findMapFact(map.name);
      if (!fact) continue;
      try {
        if (map.name === LEGAL_ENTITIES_KEY) this.host.sync.ensureCompanies(target, added);
        else if (fact.companySpecific) this.host.sync.toDataverse(target, fact, added, true);
        this.ctx.effects.record('gw.initialWrites', `${conn.id}/${map.name}`, added.join(','));
      } catch (error) {
        // A map whose company rows are missing in Dataverse fails its initial writes, as a live write would.
        if (!(error instanceof LookupNotFoundError)) throw error;
        this.ctx.effects.record('gw.initialWrites', `${conn.id}/${map.name}`, `failed: ${error.message}`);
      }
    }
  }
}
