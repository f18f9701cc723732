import { LEGAL_ENTITIES_KEY, findMapFact, type MapFact } from '../microsoft/entityMaps';
import type { EmulatorContext } from '../shell/emulatorContext';
import type { SyncWatermark } from './entitySync';
import type { ConnectionRow } from './gatewayTypes';
import type { MapActionHost } from './mapActions';

// Live sync between runs (docs/emulator.md, "Live sync"): on every pass, new rows of connected
// companies cross to the other side for running maps. A pass of a map reads only the rows written
// since that map's last complete pass (F&O row sequence, Dataverse row version), and none at all
// when nothing it reads has changed: which rows cross is the same as reading every row, since every
// row a complete pass saw has crossed, or is of a company the pass did not cover (its scope).

export type LiveSyncHost = Pick<MapActionHost, 'sync' | 'connections' | 'target'>;

/** What a map's last complete pass read up to, and what decided which rows were its to move. */
interface PassMark extends SyncWatermark {
  /** The link's companies and the generation of its crossed pairs (entitySync.ts `generation`). */
  link: string;
  /** The companies the pass covered, with their cdm_companies row ids. */
  scope: string;
}

/** A link's last pass: what it read, and each map's mark (complete: every map's pass succeeded). */
interface LinkPass {
  read: string;
  complete: boolean;
  maps: Map<string, PassMark>;
}

export class LiveSync {
  private links = new Map<string, LinkPass>();
  /** The database's write count and the generations when a pass began that every map completed. */
  private quietSince: string | undefined;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly gateway: LiveSyncHost,
  ) {}

  /** One pass over every running map (Legal entities excepted); returns how many rows crossed. */
  pass(): number {
    // No write since a pass that every map completed began: nothing any map reads has changed.
    const writes = `${this.totalChanges()}#${this.gateway.sync.anyGeneration}`;
    if (writes === this.quietSince) return 0;
    let moved = 0;
    // Marks of links and maps no longer running are dropped: a map that runs again is read whole.
    const links = new Map<string, LinkPass>();
    const running = this.byLink<{ connection_id: string; name: string }>(
      "SELECT connection_id, name FROM gw_maps WHERE state = 'Running' AND name <> ? ORDER BY connection_id, name",
      LEGAL_ENTITIES_KEY,
    );
    const codes = this.byLink<{ connection_id: string; code: string }>(
      'SELECT connection_id, code FROM gw_legal_entities ORDER BY rowid',
    );
    for (const conn of this.gateway.connections()) {
      const names = running.get(conn.id)?.map((row) => row.name);
      if (!names) continue;
      const companies = codes.get(conn.id)?.map((row) => row.code) ?? [];
      const link = `${companies.join(',')}#${this.gateway.sync.generation(conn.id)}`;
      const dvVersion = this.ctx.dataverse.version(conn.dv_org) ?? -1;
      const foSeq = this.ctx.financeOps.lastSeq(conn.fo_env);
      const read = JSON.stringify([names, link, foSeq, dvVersion]);
      const previous = this.links.get(conn.id);
      // Nothing the link's maps read has changed since a pass in which each of them succeeded.
      if (previous?.complete && previous.read === read) {
        links.set(conn.id, previous);
        continue;
      }
      const current: LinkPass = { read, complete: true, maps: new Map() };
      links.set(conn.id, current);
      for (const name of names) {
        const definition = findMapFact(name);
        if (!definition) continue;
        const mark = previous?.maps.get(name);
        if (mark && mark.link === link && mark.foSeq === foSeq && mark.dvVersion === dvVersion) {
          current.maps.set(name, mark);
          continue;
        }
        const done = this.syncMap(conn, name, definition, companies, mark, { foSeq, dvVersion, link });
        if (done) {
          current.maps.set(name, done.mark);
          moved += done.moved;
        } else current.complete = false;
      }
    }
    this.links = links;
    this.quietSince = [...links.values()].every((pass) => pass.complete) ? writes : undefined;
    return moved;
  }

  /** Rows this process has inserted, updated or deleted since it opened the database (SQLite). */
  private totalChanges(): number {
    return (this.ctx.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  }

  /** A query's rows grouped by link, each group in the query's order. */
  private byLink<T extends { connection_id: string }>(sql: string, ...params: string[]): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const row of this.ctx.db.prepare(sql).all(...params) as T[]) {
      const group = groups.get(row.connection_id);
      if (group) group.push(row);
      else groups.set(row.connection_id, [row]);
    }
    return groups;
  }

  /** Moves one map's new rows; undefined when it failed (its next pass reads every row again). */
  private syncMap(
    conn: ConnectionRow,
    mapName: string,
    definition: MapFact,
    companies: string[],
    previous: PassMark | undefined,
    now: Omit<PassMark, 'scope'>,
  ): { mark: PassMark; moved: number } | undefined {
    try {
      const ids = companies.map((code) =>
        definition.companySpecific ? this.gateway.sync.companyId(conn.dv_org, code) : '',
      );
      const available = companies.filter((_code, index) => ids[index] !== undefined);
      const scope = JSON.stringify([available, ids]);
      const since =
        previous &&
        previous.link === now.link &&
        previous.scope === scope &&
        now.foSeq >= previous.foSeq &&
        now.dvVersion >= previous.dvVersion
          ? previous
          : undefined;
      const target = this.gateway.target(conn);
      const moved =
        this.gateway.sync.toDataverse(target, definition, available, true, since) +
        this.gateway.sync.toFinanceOps(target, definition, available, true, since);
      return { mark: { ...now, scope }, moved };
    } catch (error) {
      this.ctx.logger?.debug({ err: error, map: mapName }, 'live sync pass skipped a map');
      return undefined;
    }
  }
}
