import type { Logger } from '../log';
import { AssertionsInHand, type ActAsAdmin } from './actingAdmin';
import { adminCommands } from './adminCommands';
import type { CommandDeps } from './applyCommand';
import { continueAsMe } from './continueAsMe';
import type { EngineApi } from './engineApi';
import { observeApprovals } from './engineMetrics';
import { createEngineEventHub } from './engineEvents';
import { createPlanner } from './planPreviews';
import type { Clock, Platform } from './ports';
import {
  createLeaseKeeper,
  listenToReplicas,
  notifyHandover,
  notifyReplicas,
  type ReplicaOptions,
} from './replicaCoordination';
import { RunExecutor } from './runExecutor';
import type { RunLeaseKeeper } from './runLeaseKeeper';
import { parseSetupInput } from './parseSetupInput';
import { recordReview } from './planReviews';
import type { RunLimits, RunStore } from './runStorePort';
import { startRun } from './startRun';

// The setup engine: the commands of EngineApi over a durable run store and the executor, wired here
// from their own modules (previews, Start, commands, events, replicas). Commands only record a
// decision in one store transaction and wake the executor; nothing slow runs inside them, so the
// Teams invoke that called them answers within milliseconds.

export interface SetupEngineOptions {
  platform: Platform;
  /** Runs as the commands (card actions) read and write them. */
  store: RunStore;
  /**
   * The same runs for the executor, its lease keeper and its observers (default `store`): a store on
   * connections of its own, so the commands never queue behind the executor's reads and writes.
   */
  executorStore?: RunStore;
  clock: Clock;
  logger?: Logger;
  approvalTimeoutMs: number;
  approvalReminderMs: number;
  fourEyes: boolean;
  pollIntervalMs?: number;
  retry?: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Steps of one run executing at once (default 4; 1 runs one step at a time). */
  parallelSteps?: number;
  /** Ask approvals at Start, from the confirmed pre-flight (default), or when their step is reached. */
  approvalsAtStart?: boolean;
  /** Several replicas on one store: leases decide who drives a run, signals wake its holder. */
  replicas?: ReplicaOptions;
  /** Unfinished runs one requester and one tenant may have at once (absent: no limit). */
  runLimits?: RunLimits;
  /**
   * AZURE_AUTH=obo: the platform as one admin from their SSO token; the dual-write steps then wait for
   * that admin's "Continue as me" (actingAdmin.ts).
   */
  actAs?: ActAsAdmin;
}

/** EngineApi plus a hook for tests and graceful shutdown. */
export interface SetupEngine extends EngineApi {
  /** Resolves once no run has work in hand (every run waits for an admin, a timer, or is done). */
  whenIdle(): Promise<void>;
}

// Six attempts without progress (about a minute of backoff): at a steady 16% of transient faults on
// non-idempotent calls, four failed ~1.4% of new-existing runs on one map start alone (0.16^4 x 21).
export const DEFAULT_STEP_RETRY = { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 60_000 };

/** Steps of one run executing at once: the independent branches of a plan are two or three wide. */
export const DEFAULT_PARALLEL_STEPS = 4;

export function createSetupEngine(options: SetupEngineOptions): SetupEngine {
  const { platform, store, clock, logger, replicas } = options;
  const executorStore = options.executorStore ?? store;
  const events = createEngineEventHub(logger);
  const keeper: RunLeaseKeeper | undefined =
    replicas && createLeaseKeeper(replicas, { store: executorStore, clock, logger }, () => executor);
  const assertions = new AssertionsInHand();
  const executor: RunExecutor = new RunExecutor({
    actAs: options.actAs,
    assertions,
    leases: keeper,
    platform,
    store: executorStore,
    clock,
    logger,
    approvalTimeoutMs: options.approvalTimeoutMs,
    approvalReminderMs: options.approvalReminderMs,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    retry: options.retry ?? DEFAULT_STEP_RETRY,
    emit: events.emit,
    parallelSteps: Math.max(1, options.parallelSteps ?? DEFAULT_PARALLEL_STEPS),
    approvalsAtStart: options.approvalsAtStart ?? true,
  });
  const kick = (runId: string) => executor.kick(runId);
  const plan = createPlanner(platform);
  const commandDeps: CommandDeps = {
    store,
    emit: events.emit,
    clock,
    fourEyes: options.fourEyes,
    kick,
    notifyReplicas: replicas && ((runId, cancel) => notifyReplicas(replicas.signals, runId, cancel)),
  };
  const commands = adminCommands(commandDeps, (runId) => executor.abortStep(runId));
  const stopListening = replicas && keeper && listenToReplicas(replicas.signals, keeper, executor, logger);
  const stopObserving = observeApprovals(executorStore, () => clock.now().getTime());

  return {
    // Every Review is recorded with its plan; the token of one that can start is what Start needs
    // (planReviews.ts), and a newer Review's findings stand for an older token of the same input.
    async preview(raw) {
      const preview = await plan(raw);
      const reviewToken = await recordReview(store, clock, preview);
      return preview.canStart ? { ...preview, reviewToken } : preview;
    },
    start: (rawInput, requestedBy, reviewToken, scope) =>
      startRun(
        {
          plan,
          parse: (raw) => parseSetupInput(raw, platform),
          store,
          clock,
          emit: events.emit,
          logger,
          kick,
          limits: options.runLimits,
        },
        rawInput,
        requestedBy,
        reviewToken,
        scope,
      ),

    ...commands,
    // On the replica that took the click, which takes the run's lease over if another holds it.
    continueAsMe: (runId, stepId, actor, rev, ssoToken) =>
      continueAsMe(
        {
          commands: commandDeps,
          assertions,
          keeper,
          notifyHandover: replicas && ((id) => notifyHandover(replicas.signals, id)),
        },
        runId,
        stepId,
        actor,
        rev,
        ssoToken,
      ),
    get: (runId) => store.get(runId),
    list: (filter) => store.list(filter),
    audit: (runId) => store.audit(runId),
    recordRefusal: async (runId, actor, action, reason, stepId) => {
      if (!(await store.get(runId))) return;
      await store.appendAudit(runId, [
        {
          at: clock.now().toISOString(),
          actor,
          action: `refused ${action}`,
          detail: reason,
          ...(stepId ? { stepId } : {}),
        },
      ]);
    },
    on: events.on,
    async resume() {
      for (const run of await executorStore.listUnfinished()) {
        // A failed run waits for an admin, unless another branch of it was still running.
        if (run.status !== 'failed' || run.steps.some((s) => s.status === 'running')) executor.kick(run.id);
      }
      keeper?.start();
    },
    async close() {
      stopListening?.();
      stopObserving();
      await executor.close();
      // Released, not left to expire: another replica takes the runs over at once.
      await keeper?.stop();
    },
    async whenIdle() {
      await keeper?.settled();
      await executor.whenIdle();
    },
  };
}
