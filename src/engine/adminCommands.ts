import { applyCommand, type CommandDeps } from './applyCommand';
import type { EngineApi } from './engineApi';
import {
  approveCommand,
  cancelCommand,
  confirmManualCommand,
  rejectCommand,
  retryCommand,
  skipCommand,
} from './runCommands';

// The admin commands of EngineApi, each the pure command of runCommands.ts applied to the stored run.

export type AdminCommands = Pick<
  EngineApi,
  'approve' | 'reject' | 'confirmManual' | 'retry' | 'skip' | 'cancel'
>;

/** `abortStep` stops a cancelled run's running step, once the cancel is committed. */
export function adminCommands(deps: CommandDeps, abortStep: (runId: string) => void): AdminCommands {
  return {
    approve: (runId, stepId, actor, rev) =>
      applyCommand(deps, runId, actor, rev, (run, c) => approveCommand(run, stepId, c)),
    reject: (runId, stepId, actor, rev, reason) =>
      applyCommand(deps, runId, actor, rev, (run, c) => rejectCommand(run, stepId, reason, c)),
    confirmManual: (runId, stepId, actor, rev) =>
      applyCommand(deps, runId, actor, rev, (run, c) => confirmManualCommand(run, stepId, c)),
    retry: (runId, actor, rev) => applyCommand(deps, runId, actor, rev, (run, c) => retryCommand(run, c)),
    skip: (runId, stepId, actor, rev) =>
      applyCommand(deps, runId, actor, rev, (run, c) => skipCommand(run, stepId, c)),
    // The cancel is committed before the running step is told to stop.
    cancel: (runId, actor, rev) =>
      applyCommand(
        deps,
        runId,
        actor,
        rev,
        (run, c) => cancelCommand(run, c),
        () => abortStep(runId),
      ),
  };
}
