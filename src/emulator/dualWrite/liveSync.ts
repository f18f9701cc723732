import { LEGAL_ENTITIES_KEY, findMapFact, type MapFact } from '../microsoft/entityMaps';
import type { EmulatorContext } from '../shell/emulatorContext';
import type { SyncWatermark } from './entitySync';
import type { ConnectionRow, MapRow } from './gatewayTypes';
import type { MapActionHost } from './mapActions';

// Live sync between runs (docs/emulator.md, "Live sync"): on every pass, new rows of connected
// companies cross to the other side for running maps. A pass of a map reads only the rows written
// since that map's last complete pass (F&O row sequence, Dataverse row version), and none at all
// when nothing it reads has changed: which rows cross is the same as reading every row, since every
// row a complete pass saw has crossed, or is of a company the pass did not cover (its scope).

export type LiveSyncHost = Pick<MapActionHost, 'sync' | 'connections' | 'legalEntities' | 'target'>;

/** What a map's last complete pass read up to, and what decided which rows were its to move. */
interface PassMark extends SyncWatermark {
  /** The link's companies and the generation of its crossed pairs (entitySync.ts `generation`). */
  link: string;
  /** The companies the pass covered, with their cdm_companies row ids. */
  scope: string;
}

export class LiveSync {
  private marks = new Map<string, PassMark>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly gateway: LiveSyncHost,
  ) {}

  /** One pass over every running map (Legal entities excepted); returns how many rows crossed. */
  pass(): number {
    let moved = 0;
    // Marks of maps no longer running are dropped: a map that runs again starts with a full read.
    const marks = new Map<string, PassMark>();
    for (const conn of this.gateway.connections()) {
      const running = this.ctx.db
        .prepare("SELECT * FROM gw_maps WHERE connection_id = ? AND state = 'Running' AND name <> ?")
        .all(conn.id, LEGAL_ENTITIES_KEY) as MapRow[];
      if (!running.length) continue;
      const companies = this.gateway.legalEntities(conn.id);
      const link = `${companies.join(',')}#${this.gateway.sync.generation(conn.id)}`;
      const dvVersion = this.ctx.dataverse.version(conn.dv_org) ?? -1;
      const foSeq = this.ctx.financeOps.lastSeq(conn.fo_env);
      for (const map of running) {
        const definition = findMapFact(map.name);
        if (!definition) continue;
        const key = `${conn.id}/${map.name}`;
        const previous = this.marks.get(key);
        if (
          previous &&
          previous.link === link &&
          previous.foSeq === foSeq &&
          previous.dvVersion === dvVersion
        ) {
          marks.set(key, previous);
          continue;
        }
        const mark = this.syncMap(conn, map.name, definition, companies, previous, {
          foSeq,
          dvVersion,
          link,
        });
        if (mark) {
          marks.set(key, mark.mark);
          moved += mark.moved;
        }
      }
    }
    this.marks = marks;
    return moved;
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
