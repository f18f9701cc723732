import type { EntityMapStatus, Master } from '../ports';
import { PermanentStepError, pollUntil, type StepContext } from './stepContext';

// Starts one map unless it already runs, and waits until it leaves InitialSync. The state read
// first is what makes a resume safe: a map the crashed attempt already started is never started
// again.

const MAP_TIMEOUT_MS = 24 * 3600_000;

export type MapOutcome = 'started' | 'already_running' | 'not_published';

export async function runMapOnce(
  ctx: StepContext,
  connectionId: string,
  mapName: string,
  options: { initialSync: boolean; master?: Master; legalEntities?: string[] },
): Promise<MapOutcome> {
  const read = async () => findMap(await ctx.platform.dualWrite.listMaps(connectionId), mapName);
  let status = await read();
  if (!status) return 'not_published';
  let outcome: MapOutcome = 'already_running';
  if (status.state !== 'Running' && status.state !== 'InitialSync') {
    await ctx.platform.dualWrite.runMap(connectionId, status.name, options);
    outcome = 'started';
  }
  status = await pollUntil(ctx, read, (s) => !s || s.state !== 'InitialSync', {
    timeoutMs: MAP_TIMEOUT_MS,
    what: `the initial sync of ${mapName}`,
  });
  if (!status || status.state !== 'Running') {
    throw new PermanentStepError(
      options.initialSync ? 'initial_sync_failed' : 'map_failed',
      `${mapName} did not start (${status?.state ?? 'missing'})${status?.lastError ? `: ${status.lastError}` : ''}. Fix the cause, then retry the step.`,
    );
  }
  return outcome;
}

export function findMap(maps: EntityMapStatus[], name: string): EntityMapStatus | undefined {
  return maps.find((map) => map.name.toLowerCase() === name.toLowerCase());
}
