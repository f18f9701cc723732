import type { Logger } from '../log';
import type { EngineEvents } from './engineApi';
import type { Run, StepState } from './model';
import type { Clock, Platform } from './ports';
import type { RunChange, RunStore } from './runStorePort';
import { cancelRemaining, moveStep, nextAction, settle } from './runStateMachine';
import { classifyError, stepRetryDelay } from './stepErrors';
import { STEP_MODULES } from './steps';
import type { StepContext } from './steps/stepContext';
import { isAbortError } from './systemClock';

/**
 * Drives runs: one driver (an async loop) per run that has something to do. Each turn it reads the
 * run from the store, asks the state machine what comes next, commits that transition, and only
 * then acts on it. A driver sleeps (on the injected clock) until an approval's reminder or expiry,
 * and ends when the run waits for an admin; a command wakes or restarts it.
 */
export interface ExecutorOptions {
  platform: Platform;
  store: RunStore;
  clock: Clock;
  logger?: Logger;
  approvalTimeoutMs: number;
  approvalReminderMs: number;
  pollIntervalMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  emit: <E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]) => void;
}

interface Driver {
  done: Promise<void>;
  wake: () => void;
  /** Stops the running step (cancel) or the whole driver (close). */
  abort: AbortController;
  busy: boolean;
  wakeRequested: boolean;
}

const PROGRESS_PERSIST_MS = 500;

export class RunExecutor {
  private readonly drivers = new Map<string, Driver>();
  /** Highest progress each running step reported (runId:stepId), so a retry can tell it moved on. */
  private readonly progressMarks = new Map<string, number>();
  /** The last progress write of each running step (runId:stepId), chained in order. */
  private readonly progressWrites = new Map<string, Promise<void>>();
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

  private commit(runId: string, mutate: (run: Run) => RunChange | null): Promise<Run | null> {
    return commitAndEmit(this.o.store, this.o.emit, runId, mutate);
  }

  /** Waits until the step's reported progress is committed (before its next transition). */
  private async progressCommitted(mark: string): Promise<void> {
    const pending = this.progressWrites.get(mark);
    if (!pending) return;
    await pending;
    if (this.progressWrites.get(mark) === pending) this.progressWrites.delete(mark);
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
          await this.commit(runId, (r) => ({
            run: settle(r, this.nowIso()),
            audit: [{ at: this.nowIso(), actor: null, action: 'run.succeeded' }],
          }));
          if (this.releaseUnlessWoken(runId, driver)) return;
          break;
        case 'finalize_cancel':
          await this.commit(runId, (r) => {
            cancelRemaining(r, this.nowIso());
            return {
              run: settle(r, this.nowIso()),
              audit: [{ at: this.nowIso(), actor: null, action: 'run.cancelled' }],
            };
          });
          if (this.releaseUnlessWoken(runId, driver)) return;
          break;
        case 'request_approval':
          await this.requestApproval(run, action.step, driver);
          break;
        case 'request_manual':
          await this.requestManual(run, action.step, driver);
          break;
        case 'remind':
          await this.stepCommit(runId, action.step.id, 'approval.reminder', (step) => {
            if (step.status !== 'awaiting_approval' || !step.approval) return false;
            step.approval.reminded = true;
            return true;
          });
          break;
        case 'expire':
          await this.stepCommit(runId, action.step.id, 'approval.expired', (step, at) => {
            if (step.status !== 'awaiting_approval' || step.approval?.decision) return false;
            moveStep(step, 'failed');
            step.finishedAt = at;
            step.error = {
              code: 'approval_expired',
              message: `Nobody approved "${step.title}" before ${step.approval?.expiresAt}. Retry to ask again.`,
            };
            return true;
          });
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

  /** Commits a change to one step and emits the step event named by `action` when it applied. */
  private async stepCommit(
    runId: string,
    stepId: string,
    action: string,
    mutate: (step: StepState, at: string, run: Run) => boolean,
    detail?: string,
  ): Promise<Run | null> {
    let applied = false;
    const run = await this.commit(runId, (r) => {
      const step = r.steps.find((s) => s.id === stepId);
      const at = this.nowIso();
      const before = r.status;
      if (!step || !mutate(step, at, r)) return null;
      applied = true;
      const settled = settle(r, at);
      const audit: RunChange['audit'] = [{ at, actor: null, action, stepId, detail }];
      if (settled.status !== before && settled.status !== 'running' && settled.status !== 'waiting') {
        audit.push({ at, actor: null, action: `run.${settled.status}` });
      }
      return { run: settled, audit };
    });
    if (applied && run) {
      const step = run.steps.find((s) => s.id === stepId) as StepState;
      const event = EVENT_OF_ACTION[action];
      if (event) this.o.emit(event, { run, step });
    }
    return applied ? run : null;
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

  private context(run: Run, step: StepState, signal: AbortSignal): StepContext {
    let lastProgress = 0;
    const mark = `${run.id}:${step.id}`;
    const ctx: StepContext = {
      run,
      step,
      platform: this.o.platform,
      clock: this.o.clock,
      signal,
      logger: this.o.logger?.child({ runId: run.id, stepId: step.id }),
      pollIntervalMs: this.o.pollIntervalMs,
      checkpoint: async (patch) => {
        await this.progressCommitted(mark);
        const updated = await this.commit(run.id, (r) => {
          const s = r.steps.find((x) => x.id === step.id) as StepState;
          s.checkpoint = { ...(s.checkpoint ?? {}), ...patch };
          return { run: settle(r, this.nowIso()) };
        });
        if (updated) {
          ctx.run = updated;
          ctx.step = updated.steps.find((x) => x.id === step.id) as StepState;
        }
      },
      progress: (done, total, unit) => {
        this.progressMarks.set(mark, Math.max(done, this.progressMarks.get(mark) ?? 0));
        const now = this.o.clock.now().getTime();
        if (done < total && now - lastProgress < PROGRESS_PERSIST_MS && lastProgress !== 0) return;
        lastProgress = now || 1;
        // Progress is reported from synchronous callbacks: its commits are chained in order, and
        // the step's next transition waits for them (progressCommitted) so none lands after it.
        const previous = this.progressWrites.get(mark) ?? Promise.resolve();
        const write = previous
          .then(() =>
            this.commit(run.id, (r) => {
              const s = r.steps.find((x) => x.id === step.id) as StepState;
              if (s.status !== 'running') return null;
              s.progress = { done, total, unit };
              return { run: settle(r, this.nowIso()) };
            }),
          )
          .then(
            () => undefined,
            (error: unknown) =>
              this.o.logger?.warn({ err: error, runId: run.id, stepId: step.id }, 'progress not saved'),
          );
        this.progressWrites.set(mark, write);
      },
    };
    return ctx;
  }

  private async requestApproval(run: Run, step: StepState, driver: Driver): Promise<void> {
    const module = STEP_MODULES[step.kind];
    let summary: Record<string, unknown> = {};
    try {
      summary = (await module.approvalSummary?.(this.context(run, step, driver.abort.signal))) ?? {};
    } catch (error) {
      const failure = classifyError(error);
      summary = { unavailable: `The summary could not be read: ${failure.message}` };
    }
    const requestedAt = this.o.clock.now();
    await this.stepCommit(run.id, step.id, 'approval.requested', (s, at, r) => {
      if (s.status !== 'pending' && s.status !== 'awaiting_approval') return false;
      moveStep(s, 'awaiting_approval');
      s.approval = {
        requestedAt: requestedAt.toISOString(),
        expiresAt: new Date(requestedAt.getTime() + this.o.approvalTimeoutMs).toISOString(),
        summary,
      };
      s.waitingSinceRev = r.rev + 1;
      void at;
      return true;
    });
  }

  private async requestManual(run: Run, step: StepState, driver: Driver): Promise<void> {
    const module = STEP_MODULES[step.kind];
    const ctx = this.context(run, step, driver.abort.signal);
    // Both are best effort: the generic instructions of the plan stand when a read fails.
    const [link, instructions] = await Promise.all([
      module.manualLink?.(ctx).catch(() => undefined),
      module.manualInstructions?.(ctx).catch(() => undefined),
    ]);
    await this.stepCommit(run.id, step.id, 'manual.requested', (s, _at, r) => {
      if (s.status !== 'pending') return false;
      moveStep(s, 'awaiting_manual');
      if (link) s.link = link;
      if (instructions) s.instructions = instructions;
      s.waitingSinceRev = r.rev + 1;
      return true;
    });
  }

  private async verifyManual(run: Run, step: StepState, driver: Driver): Promise<void> {
    const module = STEP_MODULES[step.kind];
    let result: { ok: boolean; message: string; output?: Record<string, unknown> };
    try {
      result = await module.verify(this.context(run, step, driver.abort.signal));
    } catch (error) {
      if (isAbortError(error) && this.closed) return;
      result = { ok: false, message: `The check could not run: ${classifyError(error).message}` };
    }
    await this.stepCommit(
      run.id,
      step.id,
      result.ok ? 'manual.verified' : 'manual.verification_failed',
      (s, at, r) => {
        if (s.status !== 'awaiting_manual' || !s.confirmation) return false;
        s.verification = { ok: result.ok, message: result.message, at };
        delete s.confirmation;
        if (result.ok) {
          moveStep(s, 'succeeded');
          s.finishedAt = at;
          s.output = { ...(s.output ?? {}), ...(result.output ?? {}) };
        } else {
          s.waitingSinceRev = r.rev + 1;
        }
        return true;
      },
      result.message,
    );
  }

  private async execute(run: Run, step: StepState, driver: Driver): Promise<void> {
    if (this.closed) return;
    const resumed = step.status === 'running';
    const started = await this.stepCommit(
      run.id,
      step.id,
      resumed ? 'step.resumed' : 'step.started',
      (s, at) => {
        if (s.status !== 'pending' && s.status !== 'running' && s.status !== 'awaiting_approval')
          return false;
        moveStep(s, 'running');
        s.attempts += 1;
        s.startedAt = s.startedAt ?? at;
        delete s.error;
        return true;
      },
    );
    if (!started) return;
    if (driver.abort.signal.aborted) driver.abort = new AbortController();
    const signal = driver.abort.signal;
    const module = STEP_MODULES[step.kind];
    const current = started.steps.find((s) => s.id === step.id) as StepState;
    const ctx = this.context(started, current, signal);
    const mark = `${run.id}:${step.id}`;
    for (let attempt = 1; ; attempt++) {
      const progressBefore = this.progressMarks.get(mark) ?? 0;
      try {
        const output = await module.execute(ctx);
        await this.progressCommitted(mark);
        this.progressMarks.delete(mark);
        await this.stepCommit(run.id, step.id, 'step.succeeded', (s, at) => {
          if (s.status !== 'running') return false;
          moveStep(s, 'succeeded');
          s.finishedAt = at;
          s.output = output;
          if (s.progress) s.progress = { ...s.progress, done: s.progress.total };
          delete s.error;
          return true;
        });
        return;
      } catch (error) {
        await this.progressCommitted(mark);
        if (signal.aborted || isAbortError(error)) return; // cancel or close: the next turn decides
        const failure = classifyError(error);
        // A step of many requests (21 map starts, thousands of rows) that got further before a
        // transient fault has not failed again: its retry budget counts attempts without progress.
        // Progress is bounded by the step's work, so this cannot loop for ever.
        if (failure.transient && (this.progressMarks.get(mark) ?? 0) > progressBefore) attempt = 1;
        this.o.logger?.warn(
          { runId: run.id, stepId: step.id, code: failure.code, attempt },
          'step attempt failed',
        );
        if (!failure.transient || attempt >= this.o.retry.maxAttempts) {
          this.progressMarks.delete(mark);
          await this.stepCommit(
            run.id,
            step.id,
            'step.failed',
            (s, at) => {
              if (s.status !== 'running') return false;
              moveStep(s, 'failed');
              s.finishedAt = at;
              s.error = {
                code: failure.code,
                message: failure.transient
                  ? `${failure.message} (still failing after ${attempt} attempts; retry later)`
                  : failure.message,
              };
              return true;
            },
            failure.message,
          );
          return;
        }
        const delay = stepRetryDelay(attempt, this.o.retry, failure.retryAfterMs);
        await this.stepCommit(run.id, step.id, 'step.retrying', (s) => {
          if (s.status !== 'running') return false;
          s.error = {
            code: failure.code,
            message: `${failure.message} (retrying in ${Math.ceil(delay / 1000)} s)`,
          };
          return true;
        });
        try {
          await this.o.clock.sleep(delay, signal);
        } catch {
          return;
        }
      }
    }
  }
}

const EVENT_OF_ACTION: Record<
  string,
  | 'step.started'
  | 'approval.requested'
  | 'approval.reminder'
  | 'approval.expired'
  | 'manual.requested'
  | undefined
> = {
  'step.started': 'step.started',
  'step.resumed': 'step.started',
  'approval.requested': 'approval.requested',
  'approval.reminder': 'approval.reminder',
  'approval.expired': 'approval.expired',
  'manual.requested': 'manual.requested',
};

/**
 * Commits a change and emits `run.updated`, plus `run.finished` when the run just entered succeeded,
 * cancelled or failed (a failed run can still be retried; the notifier owes the admin a word anyway).
 */
export async function commitAndEmit(
  store: RunStore,
  emit: ExecutorOptions['emit'],
  runId: string,
  mutate: (run: Run) => RunChange | null,
): Promise<Run | null> {
  let before: Run['status'] | undefined;
  const result = await store.update(runId, (run) => {
    before = run.status;
    return mutate(run);
  });
  if (!result) return null;
  if (result.changed) {
    emit('run.updated', { run: result.run });
    if (before !== result.run.status && ['succeeded', 'cancelled', 'failed'].includes(result.run.status)) {
      emit('run.finished', { run: result.run });
    }
  }
  return result.run;
}
