import type { Logger } from '../log';
import { commitAndEmit, type Emit } from './commitAndEmit';
import type { Run, StepState } from './model';
import type { Clock, Platform } from './ports';
import type { RunChange, RunStore } from './runStorePort';
import { nextAction } from './runStateMachine';
import {
  completeRun,
  expireApproval,
  finalizeCancel,
  recordVerification,
  remindApproval,
  requestApproval,
  requestManual,
  startStep,
  stepFailed,
  stepRetrying,
  stepSucceeded,
  type StepTransition,
} from './runTransitions';
import { classifyError } from './stepErrors';
import { buildStepContext, type BuiltStepContext } from './stepContextFactory';
import { EVENT_OF_STEP_ACTION } from './stepEvents';
import { afterFailure, type RetryBudget } from './stepRetryPolicy';
import { STEP_MODULES } from './steps';
import { isAbortError } from './systemClock';

// Drives runs: one driver (an async loop) per run that has something to do. Each turn it reads the
// run from the store, asks the state machine what comes next, commits that transition (a pure
// function of runTransitions.ts), and only then acts on it. A driver sleeps (on the injected clock)
// until an approval's reminder or expiry, and ends when the run waits for an admin; a command wakes
// or restarts it.

export interface ExecutorOptions {
  platform: Platform;
  store: RunStore;
  clock: Clock;
  logger?: Logger;
  approvalTimeoutMs: number;
  approvalReminderMs: number;
  pollIntervalMs: number;
  retry: RetryBudget;
  emit: Emit;
}

interface Driver {
  done: Promise<void>;
  wake: () => void;
  /** Stops the running step (cancel) or the whole driver (close). */
  abort: AbortController;
  busy: boolean;
  wakeRequested: boolean;
}

export class RunExecutor {
  private readonly drivers = new Map<string, Driver>();
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: ExecutorOptions) {}

  /** Starts a driver for the run, or wakes the one it has. */
  kick(runId: string): void {
    if (this.closed) return;
    const existing = this.drivers.get(runId);
    if (existing) {
      existing.wakeRequested = true;
      existing.busy = true;
      existing.wake();
      return;
    }
    const driver: Driver = {
      done: Promise.resolve(),
      wake: () => {},
      abort: new AbortController(),
      busy: true,
      wakeRequested: false,
    };
    this.drivers.set(runId, driver);
    driver.done = this.drive(runId, driver)
      .catch((error: unknown) => this.o.logger?.error({ err: error, runId }, 'run driver crashed'))
      .finally(() => this.checkIdle());
  }

  /** Stops the step running in this run (a cancel): it sees its AbortSignal fire. */
  abortStep(runId: string): void {
    const driver = this.drivers.get(runId);
    if (!driver) return;
    driver.abort.abort();
  }

  async close(): Promise<void> {
    this.closed = true;
    const drivers = [...this.drivers.values()];
    for (const driver of drivers) {
      driver.abort.abort();
      driver.wake();
    }
    await Promise.all(drivers.map((driver) => driver.done));
  }

  /** Resolves once every driver has ended or sleeps on a timer (tests and shutdown use it). */
  async whenIdle(): Promise<void> {
    // Let timers a test just fired reach their drivers before looking.
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (![...this.drivers.values()].some((driver) => driver.busy)) {
        await new Promise((resolve) => setImmediate(resolve));
        if (![...this.drivers.values()].some((driver) => driver.busy)) return;
      }
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private checkIdle(): void {
    if ([...this.drivers.values()].some((driver) => driver.busy)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async commit(runId: string, mutate: (run: Run) => RunChange | null): Promise<Run | null> {
    return (await commitAndEmit(this.o.store, this.o.emit, runId, mutate))?.run ?? null;
  }

  /** Commits a step transition and emits its step event when it applied; the run after it or null. */
  private async transition(runId: string, t: StepTransition): Promise<Run | null> {
    const result = await commitAndEmit(this.o.store, this.o.emit, runId, (r) => t.apply(r, this.nowIso()));
    if (!result?.changed) return null;
    const event = EVENT_OF_STEP_ACTION[t.action];
    const step = result.run.steps.find((s) => s.id === t.stepId) as StepState;
    if (event) this.o.emit(event, { run: result.run, step });
    return result.run;
  }

  private nowIso(): string {
    return this.o.clock.now().toISOString();
  }

  private release(runId: string, driver: Driver): void {
    if (this.drivers.get(runId) === driver) this.drivers.delete(runId);
  }

  /**
   * Ends the driver unless a command woke it since the turn began (`kick` sets `wakeRequested`; the
   * loop clears it before reading the run). The check and the release happen with no await in
   * between, so a command either is seen here (the loop turns again and reads its committed change)
   * or arrives after the release and starts a fresh driver: it is never lost on a driver going away.
   */
  private releaseUnlessWoken(runId: string, driver: Driver): boolean {
    if (driver.wakeRequested && !this.closed) return false;
    this.release(runId, driver);
    return true;
  }

  private async drive(runId: string, driver: Driver): Promise<void> {
    try {
      await this.loop(runId, driver);
    } finally {
      this.release(runId, driver);
    }
  }

  private async loop(runId: string, driver: Driver): Promise<void> {
    while (!this.closed) {
      driver.wakeRequested = false;
      const run = await this.o.store.get(runId);
      if (!run) return this.release(runId, driver);
      const action = nextAction(run, this.o.clock.now().getTime(), this.o.approvalReminderMs);
      switch (action.type) {
        case 'finished':
        case 'idle':
          if (this.releaseUnlessWoken(runId, driver)) return;
          break;
        case 'complete':
          await this.commit(runId, (r) => completeRun(r, this.nowIso()));
          if (this.releaseUnlessWoken(runId, driver)) return;
          break;
        case 'finalize_cancel':
          await this.commit(runId, (r) => finalizeCancel(r, this.nowIso()));
          if (this.releaseUnlessWoken(runId, driver)) return;
          break;
        case 'request_approval':
          await this.requestApproval(run, action.step, driver);
          break;
        case 'request_manual':
          await this.requestManual(run, action.step, driver);
          break;
        case 'remind':
          await this.transition(runId, remindApproval(action.step.id));
          break;
        case 'expire':
          await this.transition(runId, expireApproval(action.step.id));
          break;
        case 'wait':
          if (action.untilMs === undefined) {
            if (this.releaseUnlessWoken(runId, driver)) return;
            break;
          }
          await this.sleepUntil(driver, action.untilMs);
          break;
        case 'verify':
          await this.verifyManual(run, action.step, driver);
          break;
        case 'execute':
          await this.execute(run, action.step, driver);
          break;
      }
    }
  }

  private async sleepUntil(driver: Driver, untilMs: number): Promise<void> {
    const delay = untilMs - this.o.clock.now().getTime();
    if (delay <= 0 || driver.wakeRequested) return;
    const timer = new AbortController();
    const woken = new Promise<void>((resolve) => {
      driver.wake = () => {
        timer.abort();
        resolve();
      };
    });
    driver.busy = false;
    this.checkIdle();
    try {
      await Promise.race([this.o.clock.sleep(delay, timer.signal).catch(() => undefined), woken]);
    } finally {
      timer.abort();
      driver.wake = () => {};
      driver.busy = true;
    }
  }

  private context(run: Run, step: StepState, signal: AbortSignal): BuiltStepContext {
    return buildStepContext(
      {
        platform: this.o.platform,
        clock: this.o.clock,
        logger: this.o.logger,
        pollIntervalMs: this.o.pollIntervalMs,
        commit: (runId, t) => this.transition(runId, t),
      },
      run,
      step,
      signal,
    );
  }

  private async requestApproval(run: Run, step: StepState, driver: Driver): Promise<void> {
    const module = STEP_MODULES[step.kind];
    let summary: Record<string, unknown> = {};
    try {
      summary = (await module.approvalSummary?.(this.context(run, step, driver.abort.signal).ctx)) ?? {};
    } catch (error) {
      summary = { unavailable: `The summary could not be read: ${classifyError(error).message}` };
    }
    const requestedAt = this.o.clock.now();
    await this.transition(
      run.id,
      requestApproval(step.id, {
        requestedAt: requestedAt.toISOString(),
        expiresAt: new Date(requestedAt.getTime() + this.o.approvalTimeoutMs).toISOString(),
        summary,
      }),
    );
  }

  private async requestManual(run: Run, step: StepState, driver: Driver): Promise<void> {
    const module = STEP_MODULES[step.kind];
    const { ctx } = this.context(run, step, driver.abort.signal);
    // Both are best effort: the generic instructions of the plan stand when a read fails.
    const [link, instructions] = await Promise.all([
      module.manualLink?.(ctx).catch(() => undefined),
      module.manualInstructions?.(ctx).catch(() => undefined),
    ]);
    await this.transition(run.id, requestManual(step.id, { link, instructions }));
  }

  private async verifyManual(run: Run, step: StepState, driver: Driver): Promise<void> {
    const module = STEP_MODULES[step.kind];
    let result: { ok: boolean; message: string; output?: Record<string, unknown> };
    try {
      result = await module.verify(this.context(run, step, driver.abort.signal).ctx);
    } catch (error) {
      if (isAbortError(error) && this.closed) return;
      result = { ok: false, message: `The check could not run: ${classifyError(error).message}` };
    }
    await this.transition(run.id, recordVerification(step.id, result));
  }

  private async execute(run: Run, step: StepState, driver: Driver): Promise<void> {
    if (this.closed) return;
    const started = await this.transition(run.id, startStep(step.id, step.status === 'running'));
    if (!started) return;
    if (driver.abort.signal.aborted) driver.abort = new AbortController();
    const signal = driver.abort.signal;
    const module = STEP_MODULES[step.kind];
    const current = started.steps.find((s) => s.id === step.id) as StepState;
    const { ctx, progress } = this.context(started, current, signal);
    for (let attempt = 1; ; attempt++) {
      const progressBefore = progress.highest;
      try {
        const output = await module.execute(ctx);
        await progress.settled();
        await this.transition(run.id, stepSucceeded(step.id, output));
        return;
      } catch (error) {
        await progress.settled();
        if (signal.aborted || isAbortError(error)) return; // cancel or close: the next turn decides
        const failure = classifyError(error);
        const next = afterFailure(failure, attempt, progress.highest > progressBefore, this.o.retry);
        attempt = next.attempt;
        this.o.logger?.warn(
          { runId: run.id, stepId: step.id, code: failure.code, attempt },
          'step attempt failed',
        );
        if (next.kind === 'fail') {
          await this.transition(run.id, stepFailed(step.id, next.error, failure.message));
          return;
        }
        await this.transition(run.id, stepRetrying(step.id, next.error));
        try {
          await this.o.clock.sleep(next.delayMs, signal);
        } catch {
          return;
        }
      }
    }
  }
}
