import type { Logger } from '../log';
import { commitAndEmit, type Emit } from './commitAndEmit';
import type { Run, StepState } from './model';
import type { Clock, Platform } from './ports';
import type { LeaseFence } from './runLeasePort';
import type { RunChange, RunStore } from './runStorePort';
import type { StepWork } from './runStateMachine';
import {
  expireApproval,
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
import { approvalFactsChanged } from './approvalFacts';
import {
  awaitActingAdmin,
  isSignInNeeded,
  signInWanted,
  STEPS_ACTING_AS_ADMIN,
  type AssertionsInHand,
} from './actingAdmin';
import { isAdminNeeded } from './adminNeeded';
import { classifyError } from './stepErrors';
import { buildStepContext, type BuiltStepContext } from './stepContextFactory';
import { EVENT_OF_STEP_ACTION } from './stepEvents';
import { afterFailure, type RetryBudget } from './stepRetryPolicy';
import { STEP_MODULES } from './steps';
import { isAbortError } from './systemClock';
import { stepAttempt } from './runTracing';

// Carries out one step action the state machine chose: asks its module, commits the pure
// transition of runTransitions.ts, and only then goes on. The executor runs several of these side
// by side (one per step) within a run.

export interface StepRunnerOptions {
  platform: Platform;
  store: RunStore;
  clock: Clock;
  logger?: Logger;
  approvalTimeoutMs: number;
  pollIntervalMs: number;
  retry: RetryBudget;
  emit: Emit;
  closed: () => boolean;
  /** With replicas: the lease fence every write of this run carries. */
  fence: (runId: string) => LeaseFence | undefined;
  /** With replicas: the platform, its calls checked against the run's lease. */
  platformFor: (runId: string) => Platform;
  /** With replicas: the refusal a step's request got because this replica lost the run's lease. */
  leaseRefusal?: (runId: string) => Error | undefined;
  /** AZURE_AUTH=obo: the platform as an admin for a run's step that acts as one (actingAdmin.ts). */
  platformAs?: (runId: string, userAssertion: string) => Platform;
  assertions?: AssertionsInHand;
}

export class StepRunner {
  constructor(private readonly o: StepRunnerOptions) {}

  /** `signal()` gives the run's current cancellation signal (a cancel fires it for every step). */
  async act(run: Run, action: StepWork, signal: () => AbortSignal): Promise<void> {
    switch (action.type) {
      case 'request_approval':
        return this.requestApproval(run, action.step, signal());
      case 'request_manual':
        return this.requestManual(run, action.step, signal());
      case 'remind':
        return void (await this.transition(run.id, remindApproval(action.step.id)));
      case 'expire':
        return void (await this.transition(run.id, expireApproval(action.step.id)));
      case 'verify':
        return this.verifyManual(run, action.step, signal());
      case 'execute':
        return this.execute(run, action.step, signal);
    }
  }

  async commit(runId: string, mutate: (run: Run) => RunChange | null): Promise<Run | null> {
    return (await commitAndEmit(this.o.store, this.o.emit, runId, mutate, this.o.fence(runId)))?.run ?? null;
  }

  /** Commits a step transition and emits its step event when it applied; the run after it or null. */
  async transition(runId: string, t: StepTransition): Promise<Run | null> {
    const result = await commitAndEmit(
      this.o.store,
      this.o.emit,
      runId,
      (r) => t.apply(r, this.nowIso()),
      this.o.fence(runId),
    );
    if (!result?.changed) return null;
    const event = EVENT_OF_STEP_ACTION[t.action];
    const step = result.run.steps.find((s) => s.id === t.stepId) as StepState;
    if (event) this.o.emit(event, { run: result.run, step });
    return result.run;
  }

  private attempt(run: Run, step: StepState, name: 'execute' | 'verify', attempt: number) {
    return stepAttempt(run, step, name, attempt, () => this.o.clock.now().getTime());
  }

  private nowIso(): string {
    return this.o.clock.now().toISOString();
  }

  private context(run: Run, step: StepState, signal: AbortSignal, platform?: Platform): BuiltStepContext {
    return buildStepContext(
      {
        platform: platform ?? this.o.platformFor(run.id),
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

  /** What the approver is shown: the module's summary, or why it could not be read. */
  private async approvalSummary(run: Run, step: StepState, signal: AbortSignal) {
    try {
      return (await STEP_MODULES[step.kind].approvalSummary?.(this.context(run, step, signal).ctx)) ?? {};
    } catch (error) {
      return { unavailable: `The summary could not be read: ${classifyError(error).message}` };
    }
  }

  private async requestApproval(run: Run, step: StepState, signal: AbortSignal): Promise<void> {
    const summary = await this.approvalSummary(run, step, signal);
    await this.transition(run.id, requestApproval(step.id, this.approvalWindow(summary)));
  }

  private approvalWindow(summary: Record<string, unknown>) {
    const requestedAt = this.o.clock.now();
    return {
      requestedAt: requestedAt.toISOString(),
      expiresAt: new Date(requestedAt.getTime() + this.o.approvalTimeoutMs).toISOString(),
      summary,
    };
  }

  private async requestManual(run: Run, step: StepState, signal: AbortSignal): Promise<void> {
    const module = STEP_MODULES[step.kind];
    const { ctx } = this.context(run, step, signal);
    // Both are best effort: the generic instructions of the plan stand when a read fails.
    const [link, instructions] = await Promise.all([
      module.manualLink?.(ctx).catch(() => undefined),
      module.manualInstructions?.(ctx).catch(() => undefined),
    ]);
    await this.transition(run.id, requestManual(step.id, { link, instructions }));
  }

  private async verifyManual(run: Run, step: StepState, signal: AbortSignal): Promise<void> {
    const module = STEP_MODULES[step.kind];
    let result: { ok: boolean; message: string; output?: Record<string, unknown> };
    const telemetry = this.attempt(run, step, 'verify', step.attempts + 1);
    // AZURE_AUTH=obo: a check confirmed by "Continue as me" reads with that admin's rights.
    const held = this.o.platformAs ? this.o.assertions?.take(run.id, step.id) : undefined;
    const asAdmin = held && this.o.platformAs?.(run.id, held.assertion);
    try {
      result = await telemetry.run(() => module.verify(this.context(run, step, signal, asAdmin).ctx));
      telemetry.end(result.ok ? 'verified' : 'not_verified');
    } catch (error) {
      const failure = classifyError(error);
      telemetry.end(isAbortError(error) ? 'stopped' : 'not_verified', failure.code);
      if (isAbortError(error) && this.o.closed()) return;
      const needsAdmin = this.o.platformAs && (held ? isSignInNeeded(error) : isAdminNeeded(error));
      if (needsAdmin) {
        const why = held ? signInWanted(error) : [];
        return void (await this.transition(run.id, awaitActingAdmin(step.id, ...why)));
      }
      result = { ok: false, message: `The check could not run: ${failure.message}` };
    }
    await this.transition(run.id, recordVerification(step.id, result, held?.by));
  }

  /**
   * An approval given early (at Start) holds only for the facts it was given on: just before the
   * step acts, they are read again, and a change past the margin asks the approver again.
   */
  private async approvalStillHolds(run: Run, step: StepState, signal: AbortSignal): Promise<boolean> {
    const approval = step.approval;
    if (step.status !== 'awaiting_approval' || !approval?.decision?.approved) return true;
    if (!STEP_MODULES[step.kind].approvalSummary) return true;
    const now = await this.approvalSummary(run, step, signal);
    if (!approvalFactsChanged(approval.summary, now)) return true;
    await this.transition(run.id, requestApproval(step.id, this.approvalWindow(now)));
    return false;
  }

  private async execute(run: Run, step: StepState, signalOf: () => AbortSignal): Promise<void> {
    if (this.o.closed()) return;
    if (!(await this.approvalStillHolds(run, step, signalOf()))) return;
    // AZURE_AUTH=obo: a step that acts as the admin runs only with a click's assertion in hand; any
    // other step that met a call only an admin may make runs with the one its click gave.
    const actsAsAdmin = this.o.platformAs && STEPS_ACTING_AS_ADMIN.has(step.kind);
    const held = this.o.platformAs ? this.o.assertions?.take(run.id, step.id) : undefined;
    if (actsAsAdmin && !held) return void (await this.transition(run.id, awaitActingAdmin(step.id)));
    const started = await this.transition(run.id, startStep(step.id, step.status === 'running', held?.by));
    if (!started) return;
    const signal = signalOf();
    const module = STEP_MODULES[step.kind];
    const current = started.steps.find((s) => s.id === step.id) as StepState;
    const asAdmin = held && this.o.platformAs?.(run.id, held.assertion);
    const { ctx, progress } = this.context(started, current, signal, asAdmin);
    for (let attempt = 1; ; attempt++) {
      const progressBefore = progress.highest;
      const telemetry = this.attempt(started, current, 'execute', attempt);
      try {
        const output = await telemetry.run(() => module.execute(ctx));
        telemetry.end('succeeded', undefined, output);
        await progress.settled();
        await this.transition(run.id, stepSucceeded(step.id, output));
        return;
      } catch (error) {
        await progress.settled();
        if (signal.aborted || isAbortError(error)) return telemetry.end('stopped');
        // The run was taken over mid-step: the new holder resumes it; this replica records nothing.
        const lost = this.o.leaseRefusal?.(run.id);
        if (lost) {
          telemetry.end('lease_lost');
          throw lost;
        }
        // Entra wants the admin (MFA, Conditional Access, an expired sign-in): ask them, not a failure.
        if (held && isSignInNeeded(error)) {
          telemetry.end('sign_in_needed');
          await this.transition(run.id, awaitActingAdmin(step.id, ...signInWanted(error)));
          return;
        }
        // A call only an admin's token may make (LCS, the gateway): run again with an admin's rights.
        if (!held && this.o.platformAs && isAdminNeeded(error)) {
          telemetry.end('admin_needed');
          await this.transition(run.id, awaitActingAdmin(step.id));
          return;
        }
        const failure = classifyError(error);
        const next = afterFailure(failure, attempt, progress.highest > progressBefore, this.o.retry);
        telemetry.end(next.kind === 'fail' ? 'failed' : 'retrying', failure.code);
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
