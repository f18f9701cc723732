import type { EngineEvents } from './engineApi';
import { countRunFinished } from './engineMetrics';
import { traceRunFinished } from './runTracing';
import { FINISHED_RUN_STATUSES, type Run } from './model';
import type { LeaseFence } from './runLeasePort';
import type { RunChange, RunStore } from './runStorePort';

// Every change to a run goes through here: committed in one store transaction first, then told to
// the listeners (the notifier), so nobody hears of a change that a crash could still undo.

export type Emit = <E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]) => void;

export interface Committed {
  run: Run;
  changed: boolean;
}

/**
 * Commits a change and emits `run.updated`, plus `run.finished` when the run just entered succeeded,
 * cancelled or failed (a failed run can still be retried; the notifier owes the admin a word anyway).
 * Null when the run does not exist.
 */
export async function commitAndEmit(
  store: RunStore,
  emit: Emit,
  runId: string,
  mutate: (run: Run) => RunChange | null,
  fence?: LeaseFence,
): Promise<Committed | null> {
  let before: Run['status'] | undefined;
  const result = await store.update(
    runId,
    (run) => {
      before = run.status;
      return mutate(run);
    },
    fence,
  );
  if (!result) return null;
  if (result.changed) {
    emit('run.updated', { run: result.run });
    if (before !== result.run.status && FINISHED_RUN_STATUSES.has(result.run.status)) {
      countRunFinished(result.run);
      traceRunFinished(result.run);
      emit('run.finished', { run: result.run });
    }
  }
  return result;
}
