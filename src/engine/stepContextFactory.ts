import type { Logger } from '../log';
import type { Run, StepState } from './model';
import type { Clock, Platform } from './ports';
import { ProgressWriter } from './progressThrottle';
import { saveCheckpoint, saveProgress, saveServiceStatus, type StepTransition } from './runTransitions';
import type { StepContext } from './steps/stepContext';

// Builds what a step module gets: the run and step as persisted, the platform, time, a signal, and
// the two ways a step writes while it works (checkpoint, progress), both through the executor's
// commit so they are in the store before the step goes on.

export interface StepContextDeps {
  platform: Platform;
  clock: Clock;
  logger?: Logger;
  pollIntervalMs: number;
  /** Commits a transition of this run; the stored run after it, or null when it did not apply. */
  commit: (runId: string, transition: StepTransition) => Promise<Run | null>;
}

export interface BuiltStepContext {
  ctx: StepContext;
  progress: ProgressWriter;
}

export function buildStepContext(
  deps: StepContextDeps,
  run: Run,
  step: StepState,
  signal: AbortSignal,
): BuiltStepContext {
  const logger = deps.logger?.child({ runId: run.id, stepId: step.id });
  const progress = new ProgressWriter(
    () => deps.clock.now().getTime(),
    (done, total, unit) => deps.commit(run.id, saveProgress(step.id, { done, total, unit })),
    (error) => logger?.warn({ err: error }, 'progress not saved'),
  );
  const ctx: StepContext = {
    run,
    step,
    platform: deps.platform,
    clock: deps.clock,
    signal,
    logger,
    pollIntervalMs: deps.pollIntervalMs,
    checkpoint: async (patch) => {
      await progress.settled();
      const updated = await deps.commit(run.id, saveCheckpoint(step.id, patch));
      if (updated) {
        ctx.run = updated;
        ctx.step = updated.steps.find((x) => x.id === step.id) as StepState;
      }
    },
    progress: (done, total, unit) => progress.report(done, total, unit),
    serviceStatus: async (text) => {
      if (ctx.step.serviceStatus?.text === text) return;
      await progress.settled();
      const updated = await deps.commit(run.id, saveServiceStatus(step.id, text));
      if (updated) {
        ctx.run = updated;
        ctx.step = updated.steps.find((x) => x.id === step.id) as StepState;
      }
    },
  };
  return { ctx, progress };
}
