import type { EntityMapStatus } from '../../engine/ports';
import { mapIdentityOf, REQUEST_STATE, type GatewayMap } from './gatewayWire';
import { MAP_STATE_BY_CODE } from './mapStates';

// A gateway map (`Entities`, DWLibary/Struct/DWMaps.cs) as the engine sees it: its table and name,
// its state by the tool's codes (DWEnums.MapStatus), and the last request's error.

export function toMapStatus(map: GatewayMap): EntityMapStatus {
  const code = Number(map.detail.state ?? 0);
  const last = map.detail.lastRequest ?? map.detail.lastRequests?.[0];
  return {
    ...mapIdentityOf(map),
    state: MAP_STATE_BY_CODE[code] ?? 'NotRunning',
    lastError: last?.state === REQUEST_STATE.error ? (last.errorMessage ?? undefined) : undefined,
  };
}
