// The dual-write gateway's vocabulary: map states, action codes and request states (Microsoft's
// Dual-write-automations tool: DWLibary/DWEnums.cs `MapStatus`, `StartStop`, `RequestStatus`;
// DWLibary/Engines/DWMapEngine.cs `startStopMap`), the gateway's error, and the emulator's stored rows.

import { createHash } from 'node:crypto';

/** `None` is a published map without a project yet (`detail.pid` null: action 8 creates it). */
export type MapStateName = 'None' | 'NotRunning' | 'InitialSync' | 'Running' | 'Paused' | 'Stopped';
/**
 * DWEnums.MapStatus. Code 3 is a gap in the tool's enum; the team record reads it as CatchUp
 * [inferred: the tool only has `CatchUpSyncOption` and `catchupCleanupTriggerName`]; the emulator never
 * produces it.
 */
export const MAP_STATE_CODES: Record<MapStateName, number> = {
  None: 0,
  Stopped: 1,
  InitialSync: 2,
  Running: 4,
  Paused: 5,
  NotRunning: 6,
};
/** `Start` body `action`, sent as a string ("1"); DWEnums.StartStop and DWMapEngine.startStopMap. */
export const ACTIONS = { start: 1, stop: 4, pause: 5, resume: 6, init: 8 } as const;
/** `Apply` of `SolutionAware/{cid}/RestoreTemplates` (DWSolutionEngine.buildSolutionRequest). */
export const RESTORE_TEMPLATES_ACTION = 2;
/** `lastRequests[].state` / `SolutionAware/.../Status` `state`: DWEnums.RequestStatus. */
export const REQUEST_STATES = { Running: '1', Succeeded: '2', Failed: '3' } as const;

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
  /** Object id of the user who linked; null when linked with an app token (the emulator's default). */
  linked_by?: string | null;
}

export interface MapRow {
  connection_id: string;
  /** The map's key, `<Dataverse set> - <map name>` (entityMaps.ts `key`, the gateway's `detail.tName`). */
  name: string;
  /** The map's project id; null until action 8 creates it. */
  pid: string | null;
  state: MapStateName;
  last_error: string | null;
  master: string | null;
  sync_companies: string | null;
  sync_due_at: number | null;
  updated_at: number;
  /** 1 once the map's project was refreshed (`api/Project/{name}/Refresh`) since it last changed. */
  refreshed: number;
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

/** Computed once per map name (every map list and every Start detail asks; the names are the catalog's). */
const templateIds = new Map<string, string>();

/**
 * A map's template id (`detail.tid`, and `detail.template.id` of its one version here): a GUID in the
 * gateway; the emulator derives a stable one from the map's key [inferred].
 */
export function templateId(mapName: string): string {
  let id = templateIds.get(mapName);
  if (id === undefined) {
    const hex = createHash('sha1').update(`dual-write template ${mapName}`).digest('hex');
    id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    templateIds.set(mapName, id);
  }
  return id;
}
