import type { Logger } from '../log';
import type { Clock } from './ports';
import type { RunExecutor } from './runExecutor';
import { RunLeaseKeeper } from './runLeaseKeeper';
import type { RunLeases, RunSignals } from './runLeasePort';
import type { RunStore } from './runStorePort';

// Several replicas on one store: leases decide who drives a run (RunLeaseKeeper), and signals carry a
// command recorded on one replica to the one holding the run (`cancel:<id>` also stops its step;
// `handover:<id>` tells the old holder that the replica which took a "Continue as me" drives it now).

export interface ReplicaOptions {
  leases: RunLeases;
  signals: RunSignals;
  /** This replica's name (unique among live processes). */
  owner: string;
  ttlMs: number;
  heartbeatMs: number;
}

type Driver = Pick<RunExecutor, 'kick' | 'abortStep'>;

/** `driver` is read when a lease changes hands: the executor is built after the keeper it is given. */
export function createLeaseKeeper(
  replicas: ReplicaOptions,
  { store, clock, logger }: { store: RunStore; clock: Clock; logger?: Logger },
  driver: () => Driver,
): RunLeaseKeeper {
  return new RunLeaseKeeper(
    { ...replicas, logger, clock },
    {
      candidates: async () =>
        (await store.listUnfinished()).filter((r) => r.status !== 'failed').map((r) => r.id),
      gained: (runId) => driver().kick(runId),
      lost: (runId) => driver().abortStep(runId),
      tookOver: (runId, from) =>
        void store
          .appendAudit(runId, [
            { at: clock.now().toISOString(), actor: null, action: 'lease.takeover', detail: `from ${from}` },
          ])
          .catch(() => undefined),
    },
  );
}

/** Tells the other replicas of a command on the run; the holder wakes (a cancel stops its step). */
export function notifyReplicas(signals: RunSignals, runId: string, cancel: boolean): Promise<void> {
  return signals.notify(cancel ? `cancel:${runId}` : runId);
}

/** Tells the run's old holder that this replica took it over (its lease is handed over already). */
export function notifyHandover(signals: RunSignals, runId: string): Promise<void> {
  return signals.notify(`handover:${runId}`);
}

/** A command recorded on another replica: wake the run here, and stop its step if it was cancelled. */
export function listenToReplicas(
  signals: RunSignals,
  keeper: RunLeaseKeeper,
  driver: Driver,
  logger?: Logger,
): () => void {
  return signals.listen((signal) => {
    // The sender drives the run now: the old holder stops at once rather than at its next heartbeat.
    if (signal.startsWith('handover:'))
      return void keeper
        .letGoIfTaken(signal.slice('handover:'.length))
        .catch((error: unknown) => logger?.warn({ err: error }, 'could not read a handed-over lease'));
    const cancel = signal.startsWith('cancel:');
    const runId = cancel ? signal.slice('cancel:'.length) : signal;
    if (cancel && keeper.holds(runId)) driver.abortStep(runId);
    driver.kick(runId);
  });
}
