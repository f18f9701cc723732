import type { MapState } from '../../engine/ports';

/** The internal state codes of an entity map [internal], as the gateway and F&O's tables report them. */
export const MAP_STATE_BY_CODE: Readonly<Record<number, MapState>> = {
  1: 'Stopped',
  2: 'InitialSync',
  4: 'Running',
  5: 'Paused',
  6: 'NotRunning',
};
