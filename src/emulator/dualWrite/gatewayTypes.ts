// The dual-write gateway's vocabulary: map states and action codes (Microsoft's Dual-write-automations
// tool, docs/dynamics-apis.md), the gateway's error, and the emulator's stored rows.

export type MapStateName = 'NotRunning' | 'InitialSync' | 'Running' | 'Paused' | 'Stopped';
export const MAP_STATE_CODES: Record<MapStateName, number> = {
  Stopped: 1,
  InitialSync: 2,
  Running: 4,
  Paused: 5,
  NotRunning: 6,
};
export const ACTIONS = { start: 1, stop: 4, pause: 5, resume: 6, initialSync: 8 } as const;

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
