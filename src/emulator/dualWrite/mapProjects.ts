import { findMapFact, MAP_FACTS } from '../microsoft/entityMaps';
import type { EmulatorContext } from '../shell/emulatorContext';
import { GatewayError, templateId, type MapRow } from './gatewayTypes';

// What Microsoft's Dual-write-automations tool does before an initial sync (DWMapEngine.cs
// `runInitialSetup`): it reads the template's prerequisite sequence, reads the map's project
// (`{pid}/FieldMappings`) for its name, refreshes the project's tables (`api/Project/{name}/Refresh`,
// "always refresh table before running inital sync to make sure all references are set properly")
// and starts the map, which must be Stopped. The gateway's own rules are not public: everything here
// is [inferred from the tool].

/** What the project routes need of the gateway (declared here so the two don't import each other). */
export interface MapProjectHost {
  maps(connectionId: string): MapRow[];
  connections(): Array<{ id: string }>;
}

export class MapProjects {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly gateway: MapProjectHost,
  ) {}

  /**
   * `POST GetTemplatePrerequisiteSequences/{cid}` with `["<tid>", ...]`: per template, the template ids
   * to run in order, its prerequisites first (deepest first) and itself last. The tool reads the first
   * list and skips the map's own id (`getTemplatePreRequisite`) [inferred from the tool].
   */
  prerequisiteSequences(connectionId: string, tids: string[]): string[][] {
    const published = this.gateway.maps(connectionId);
    return tids.map((tid) => {
      const map = published.find((row) => templateId(row.name) === tid.toLowerCase());
      if (!map) throw new GatewayError(404, 'TemplateNotFound', `No map with template ${tid} is published.`);
      return sequenceOf(map.name).map(templateId);
    });
  }

  /**
   * `GET {pid}/FieldMappings` (DWCommonEngine.getFieldMappingForMaps): the project of a map; the tool
   * uses its `name` for Refresh. The project's name is its id here [inferred].
   */
  fieldMappings(pid: string): Record<string, unknown> {
    const map = this.byProject(pid);
    return {
      id: pid,
      name: pid,
      displayName: map.name,
      targetTypeList: ['AX', 'CRM'],
      projectState: map.state,
    };
  }

  /**
   * `POST api/Project/{name}/Refresh` with `{"tokens":[""]}` (DWMapEngine.refreshTable): rereads the
   * project's table definitions; the map may then start with initial sync until it changes again.
   */
  refresh(projectName: string): void {
    const map = this.byProject(projectName);
    this.ctx.db
      .prepare('UPDATE gw_maps SET refreshed = 1 WHERE connection_id = ? AND name = ?')
      .run(map.connection_id, map.name);
    this.ctx.effects.record('gw.project.refresh', `${map.connection_id}/${map.name}`);
  }

  private byProject(pid: string): MapRow {
    const map = this.ctx.db.prepare('SELECT * FROM gw_maps WHERE pid = ?').get(pid) as MapRow | undefined;
    if (!map) throw new GatewayError(404, 'ProjectNotFound', `Project ${pid} was not found.`);
    return map;
  }
}

/** A map's prerequisites, transitively and deepest first, then the map (entityMaps.ts `prerequisites`). */
function sequenceOf(key: string, seen = new Set<string>()): string[] {
  if (seen.has(key)) return [];
  seen.add(key);
  const fact = findMapFact(key) ?? MAP_FACTS.find((f) => f.key === key);
  const before = (fact?.prerequisites ?? []).flatMap((dep) => sequenceOf(dep, seen));
  return [...before, key];
}

/**
 * Why a start with initial sync is refused, or undefined: the map must be Stopped (the tool skips any
 * other: "Map is in running state and can't be ran again") and refreshed since its project or template
 * last changed (the tool always refreshes first). Status and text [inferred from the tool].
 */
export function initialSyncStartRefusal(map: MapRow): GatewayError | undefined {
  if (map.state !== 'Stopped')
    return new GatewayError(
      400,
      'InvalidState',
      `An initial sync starts from a stopped map; ${map.name} is ${map.state}. Stop the map first.`,
    );
  if (!map.refreshed)
    return new GatewayError(
      400,
      'ProjectNotRefreshed',
      `Refresh the tables of ${map.name} (its project) before an initial sync: the map changed since its last refresh.`,
    );
  return undefined;
}
