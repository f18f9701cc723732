import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import { UnknownMapError } from './catalog/mapOrdering';
import { EngineError, type CommandResult, type EngineApi, type EngineEvents } from './engineApi';
import type { Actor, PlanPreview, Run, StepState } from './model';
import type { Clock, Platform } from './ports';
import { tableDisplayNames } from './tableDisplayNames';
import { preflight } from './preflight/preflight';
import { commitAndEmit } from './commitAndEmit';
import { RunExecutor } from './runExecutor';
import {
  approveCommand,
  cancelCommand,
  confirmManualCommand,
  rejectCommand,
  retryCommand,
  skipCommand,
  type CommandContext,
  type CommandOutcome,
} from './runCommands';
import type { RunStore } from './runStorePort';
import type { RunLeases, RunSignals } from './runLeasePort';
import { RunLeaseKeeper } from './runLeaseKeeper';
import { describeEnvironment, environmentsOf, lockKeyOf } from './scenarios/environments';
import { planScenario } from './scenarios/planScenario';
import { setupInputSchema, type SetupInput } from './scenarios/scenarioInput';

// The setup engine: the commands of EngineApi over a durable run store and the executor. Commands
// only record a decision in one store transaction and wake the executor; nothing slow runs inside
// them, so the Teams invoke that called them answers within milliseconds.

export interface SetupEngineOptions {
  platform: Platform;
  store: RunStore;
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
}

export interface ReplicaOptions {
  leases: RunLeases;
  signals: RunSignals;
  /** This replica's name (unique among live processes). */
  owner: string;
  ttlMs: number;
  heartbeatMs: number;
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

/** How long a preview's pre-flight findings stand for the Start that follows it. */
const PREVIEW_REUSE_MS = 30 * 60_000;

export function createSetupEngine(options: SetupEngineOptions): SetupEngine {
  const { platform, store, clock, logger } = options;
  const listeners = new Map<keyof EngineEvents, Array<(payload: never) => void>>();
  const emit = <E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (p: EngineEvents[E]) => void)(payload);
      } catch (error) {
        logger?.error({ err: error, event }, 'engine event listener failed');
      }
    }
  };
  const replicas = options.replicas;
  const keeper = replicas
    ? new RunLeaseKeeper(
        { ...replicas, logger },
        {
          candidates: async () =>
            (await store.listUnfinished()).filter((r) => r.status !== 'failed').map((r) => r.id),
          gained: (runId) => executor.kick(runId),
          lost: (runId) => executor.abortStep(runId),
          tookOver: (runId, from) =>
            void store
              .appendAudit(runId, [
                {
                  at: clock.now().toISOString(),
                  actor: null,
                  action: 'lease.takeover',
                  detail: `from ${from}`,
                },
              ])
              .catch(() => undefined),
        },
      )
    : undefined;
  const executor = new RunExecutor({
    leases: keeper,
    platform,
    store,
    clock,
    logger,
    approvalTimeoutMs: options.approvalTimeoutMs,
    approvalReminderMs: options.approvalReminderMs,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    retry: options.retry ?? DEFAULT_STEP_RETRY,
    emit,
    parallelSteps: Math.max(1, options.parallelSteps ?? DEFAULT_PARALLEL_STEPS),
    approvalsAtStart: options.approvalsAtStart ?? true,
  });

  const parseInput = (raw: unknown): SetupInput => {
    const parsed = setupInputSchema.safeParse(raw);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      throw new EngineError('invalid_input', details.map((d) => d.message).join(' '), details);
    }
    // A typed URL names where the bot sends a Dynamics token: refused here unless the platform may call it.
    const refused = Object.entries(parsed.data)
      .filter(([field, value]) => field.endsWith('Url') && typeof value === 'string')
      .map(([field, value]) => ({ path: field, message: platform.environmentUrlRefusal?.(value as string) }))
      .filter((d): d is { path: string; message: string } => d.message !== undefined);
    if (refused.length) {
      throw new EngineError('invalid_input', refused.map((d) => d.message).join(' '), refused);
    }
    return parsed.data;
  };

  // The pre-flight reads Dynamics; Start reuses the preview the admin just confirmed so the Start click
  // never waits on Dynamics. The run's own checkPrerequisites step checks again before linking.
  const previews = new Map<string, { at: number; preview: PlanPreview }>();
  const plan = async (raw: unknown, reuse = false): Promise<PlanPreview> => {
    const input = parseInput(raw);
    let steps;
    try {
      steps = planScenario(input, platform.capabilities);
    } catch (error) {
      if (error instanceof UnknownMapError) {
        throw new EngineError('invalid_input', `${error.message} Choose maps from the catalog.`, [
          { path: 'initialSyncEntities', message: error.message },
        ]);
      }
      throw error;
    }
    const key = JSON.stringify(input);
    const cached = previews.get(key);
    if (reuse && cached && cached.at > clock.now().getTime() - PREVIEW_REUSE_MS) return cached.preview;
    const tableNames = tableDisplayNames(input, platform); // never rejects: standard names stand in
    const findings = await preflight(input, steps, platform);
    const preview: PlanPreview = {
      scenario: input.scenario,
      input,
      steps,
      findings,
      canStart: !findings.some((f) => f.severity === 'blocking'),
      tableNames: await tableNames,
    };
    previews.set(key, { at: clock.now().getTime(), preview });
    if (previews.size > 500) previews.delete(previews.keys().next().value as string);
    return preview;
  };

  /** Applies a pure command to the stored run in one transaction; wakes the executor if it changed. */
  const command = async (
    runId: string,
    actor: Actor,
    rev: number | undefined,
    apply: (run: Run, c: CommandContext) => CommandOutcome,
    afterChange?: () => void,
  ): Promise<CommandResult> => {
    let refusal: Extract<CommandOutcome, { kind: 'refuse' }> | undefined;
    const c: CommandContext = { actor, at: clock.now().toISOString(), rev, fourEyes: options.fourEyes };
    const result = await commitAndEmit(store, emit, runId, (current) => {
      // Decided afresh on every call: a store may run the mutation again after a conflict.
      const outcome = apply(current, c);
      refusal = outcome.kind === 'refuse' ? outcome : undefined;
      return outcome.kind === 'change' ? { run: outcome.run, audit: outcome.audit } : null;
    });
    if (!result) return { ok: false, code: 'not_found', message: `There is no run ${runId}.` };
    const { run, changed } = result;
    if (refusal) {
      await store.appendAudit(runId, [
        { at: c.at, actor, action: `refused (${refusal.code})`, detail: refusal.message },
      ]);
      return { ok: false, code: refusal.code, message: refusal.message, run };
    }
    if (changed) {
      executor.kick(runId);
      afterChange?.();
      // The replica holding the run's lease may be another one: wake it (a cancel also stops its step).
      await replicas?.signals.notify(afterChange ? `cancel:${runId}` : runId).catch(() => undefined);
    }
    return { ok: true, run, changed };
  };

  // A command recorded on another replica: the holder wakes (and stops a cancelled run's step).
  const stopListening = replicas?.signals.listen((signal) => {
    const cancel = signal.startsWith('cancel:');
    const runId = cancel ? signal.slice('cancel:'.length) : signal;
    if (cancel && keeper?.holds(runId)) executor.abortStep(runId);
    executor.kick(runId);
  });

  return {
    preview: (raw) => plan(raw),

    async start(rawInput, requestedBy, requestKey, scope) {
      let preview: PlanPreview;
      try {
        preview = await plan(rawInput, true);
      } catch (error) {
        if (error instanceof EngineError) return { ok: false, code: 'invalid_input', message: error.message };
        throw error;
      }
      if (!preview.canStart) {
        const blocking = preview.findings.filter((f) => f.severity === 'blocking');
        return {
          ok: false,
          code: 'invalid_input',
          message: blocking.map((f) => `${f.message} ${f.advice}`).join(' '),
        };
      }
      const at = clock.now().toISOString();
      const run: Run = {
        id: randomUUID(),
        scenario: preview.scenario,
        input: preview.input,
        status: 'running',
        rev: 1,
        requestedBy,
        lockKey: lockKeyOf(preview.input),
        createdAt: at,
        updatedAt: at,
        steps: preview.steps.map((step): StepState => ({ ...step, status: 'pending', attempts: 0 })),
        ...(scope ? { scope } : {}),
        ...(preview.tableNames ? { tableNames: preview.tableNames } : {}),
      };
      const warnings = preview.findings.filter((f) => f.severity === 'warning').map((f) => f.code);
      const result = await store.create(run, requestKey, [
        {
          at,
          actor: requestedBy,
          action: 'run.started',
          detail: warnings.length ? `warnings: ${warnings.join(', ')}` : undefined,
        },
      ]);
      if (!result.ok) {
        const holder = result.holder;
        const envs = environmentsOf(preview.input);
        return {
          ok: false,
          code: 'locked',
          message: `${describeEnvironment(envs.financeOps)} and ${describeEnvironment(envs.dataverse)} are already being set up by ${holder.requestedBy.name} (run ${holder.id}, started ${holder.createdAt}, ${holder.status}). Wait for it to finish or cancel it first.`,
          run: holder,
        };
      }
      if (result.created) {
        logger?.info({ runId: run.id, scenario: run.scenario }, 'run started');
        emit('run.updated', { run: result.run });
      }
      executor.kick(result.run.id);
      return { ok: true, run: result.run, changed: result.created };
    },

    approve: async (runId, stepId, actor, rev) =>
      command(runId, actor, rev, (run, c) => approveCommand(run, stepId, c)),
    reject: async (runId, stepId, actor, rev, reason) =>
      command(runId, actor, rev, (run, c) => rejectCommand(run, stepId, reason, c)),
    confirmManual: async (runId, stepId, actor, rev) =>
      command(runId, actor, rev, (run, c) => confirmManualCommand(run, stepId, c)),
    retry: async (runId, actor, rev) => command(runId, actor, rev, (run, c) => retryCommand(run, c)),
    skip: async (runId, stepId, actor, rev) =>
      command(runId, actor, rev, (run, c) => skipCommand(run, stepId, c)),
    // The cancel is committed before the running step is told to stop.
    cancel: async (runId, actor, rev) =>
      command(
        runId,
        actor,
        rev,
        (run, c) => cancelCommand(run, c),
        () => executor.abortStep(runId),
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
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener as (payload: never) => void);
      listeners.set(event, list);
    },
    async resume() {
      for (const run of await store.listUnfinished()) {
        // A failed run waits for an admin, unless another branch of it was still running.
        if (run.status !== 'failed' || run.steps.some((s) => s.status === 'running')) executor.kick(run.id);
      }
      keeper?.start();
    },
    async close() {
      stopListening?.();
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
