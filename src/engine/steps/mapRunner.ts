import { findMapStatus, keyOf } from '../catalog/mapIdentity';
import type { EntityMapStatus, Master } from '../ports';
import { PermanentStepError, pollUntil, type StepContext } from './stepContext';

// Starts one map unless it already runs, and waits until it leaves InitialSync. The state read
// first is what makes a resume safe: a map the crashed attempt already started is never started
// again. A planned map the connection does not list fails the step, naming its table and name: a run
// never ends green while a chosen map is not running.

const MAP_TIMEOUT_MS = 24 * 3600_000;

export type MapOutcome = 'started' | 'already_running';

export async function runMapOnce(
  ctx: StepContext,
  connectionId: string,
  mapName: string,
  options: { initialSync: boolean; master?: Master; legalEntities?: string[] },
): Promise<MapOutcome> {
  const read = async () => findMap(await ctx.platform.dualWrite.listMaps(connectionId), mapName);
  let status = await read();
  if (!status) throw new PermanentStepError('map_not_found', mapNotFound(mapName));
  let outcome: MapOutcome = 'already_running';
  if (status.state !== 'Running' && status.state !== 'InitialSync') {
    await ctx.platform.dualWrite.runMap(connectionId, keyOf(status), options);
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

/** The map a plan names by key (`accounts - Customers V3`) among those dual-write lists. */
export function findMap(maps: EntityMapStatus[], name: string): EntityMapStatus | undefined {
  return findMapStatus(maps, name);
}

function mapNotFound(key: string): string {
  const at = key.indexOf(' - ');
  const named = at > 0 ? `${key.slice(at + 3)} (table ${key.slice(0, at)})` : key;
  return `The map ${named} is not among the maps of the dual-write connection. Install the package that brings it, run Apply Solution, then retry the step.`;
}

/**
 * The planned maps in the order to run them: before each, the planned maps the gateway's prerequisite
 * sequence puts first (Microsoft's Dual-write-automations tool reads it before every initial sync
 * [inferred from the tool]), except a lookup the plan defers on purpose (a broken circular reference,
 * docs/domain.md §5). Without the sequence, the plan's order stands.
 */
export async function inPrerequisiteOrder(
  ctx: StepContext,
  connectionId: string,
  maps: readonly string[],
  deferred: ReadonlyArray<{ map: string; lookupTo: string }>,
): Promise<string[]> {
  const read = ctx.platform.dualWrite.prerequisiteSequence;
  if (!read) return [...maps];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const planned = (key: string) => maps.find((map) => same(map, key));
  const ordered: string[] = [];
  for (const map of maps) {
    const sequence = await read.call(ctx.platform.dualWrite, connectionId, map);
    for (const key of sequence) {
      const name = planned(key);
      if (!name || ordered.includes(name)) continue;
      if (deferred.some((d) => same(d.map, map) && same(d.lookupTo, name))) continue;
      ordered.push(name);
    }
    if (!ordered.includes(map)) ordered.push(map);
  }
  return ordered;
}
