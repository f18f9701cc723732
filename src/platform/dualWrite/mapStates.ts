import type { MapState } from '../../engine/ports';

/**
 * The state codes of an entity map [internal], as the gateway (`detail.state`, Dual-write-automations
 * DWLibary/DWEnums.cs `MapStatus`) and F&O's tables report them. 0 (None) is a map without a project:
 * not running. 3 is a gap in the tool's enum, read as CatchUp (queued records being caught up after an
 * initial sync) [inferred]: the map is not live yet, so the engine keeps waiting as for InitialSync.
 */
export const MAP_STATE_BY_CODE: Readonly<Record<number, MapState>> = {
  0: 'NotRunning',
  1: 'Stopped',
  2: 'InitialSync',
  3: 'InitialSync',
  4: 'Running',
  5: 'Paused',
  6: 'NotRunning',
};
