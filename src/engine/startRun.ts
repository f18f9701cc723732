import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import type { Emit } from './commitAndEmit';
import { EngineError, type CommandResult } from './engineApi';
import type { Actor, PlanPreview, Run, RunScope, StepState } from './model';
import type { Clock } from './ports';
import type { RunLimits, RunStore } from './runStorePort';
import { describeEnvironment, environmentsOf, lockKeyOf } from './scenarios/environments';
import type { Planner } from './planPreviews';
import { reviewOfStart } from './planReviews';
import type { SetupInput } from './scenarios/scenarioInput';
import { countRunStarted } from './engineMetrics';
import { openRunTrace } from './runTracing';

// Start: the confirmed preview becomes a stored run, unless it carries no Review of this input, a
// finding blocks it, another active run holds one of its environments, or the requester or the
// tenant has as many unfinished runs as allowed. The Review's token is the request key: a repeated
// Start answers with the run it created, found before planning: its pre-flight would see what the
// run itself changed (a link it made, a unified environment it created) and refuse the run's own work.

export interface StartRunDeps {
  plan: Planner;
  /** Validates the input (parseSetupInput.ts) without reading Dynamics. */
  parse(raw: unknown): SetupInput;
  store: RunStore;
  clock: Clock;
  emit: Emit;
  logger?: Logger;
  /** Wakes the executor for the run (new or the one a repeated Start returns). */
  kick(runId: string): void;
  limits?: RunLimits;
}

export async function startRun(
  deps: StartRunDeps,
  rawInput: unknown,
  requestedBy: Actor,
  reviewToken: string,
  scope?: RunScope,
): Promise<CommandResult> {
  const { store, clock, emit, logger } = deps;
  // One read: the run this token already started, its Review and the newest Review of its input.
  const context = reviewToken
    ? await store.startContext(reviewToken)
    : { run: null, review: null, latest: null };
  const existing = context.run;
  if (existing) {
    deps.kick(existing.id);
    return { ok: true, run: existing, changed: false };
  }
  let preview: PlanPreview;
  try {
    // The Review is checked before anything reads Dynamics: an unreviewed Start costs one lookup, and
    // a recent Review's findings stand, so the click does not wait on Dynamics.
    const review = reviewOfStart(context, clock, deps.parse(rawInput));
    if (review.refusal !== undefined) return { ok: false, code: 'not_reviewed', message: review.refusal };
    preview = await deps.plan(rawInput, review.reviewed);
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
  const id = randomUUID();
  const trace = openRunTrace({ id, scenario: preview.scenario });
  const run: Run = {
    id,
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
    ...(trace ? { trace } : {}),
  };
  const warnings = preview.findings.filter((f) => f.severity === 'warning').map((f) => f.code);
  const result = await store.create(
    run,
    reviewToken,
    [
      {
        at,
        actor: requestedBy,
        action: 'run.started',
        detail: warnings.length ? `warnings: ${warnings.join(', ')}` : undefined,
      },
    ],
    deps.limits,
  );
  if (!result.ok && result.reason === 'limit') {
    const who = result.of === 'requester' ? `${requestedBy.name} already has` : 'This tenant already has';
    return {
      ok: false,
      code: 'limited',
      message: `${who} ${result.limit} setups under way, as many as the bot allows at once. Wait for one to finish, or cancel one (a failed one counts until it is cancelled).`,
    };
  }
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
    countRunStarted(run);
    emit('run.updated', { run: result.run });
  }
  deps.kick(result.run.id);
  return { ok: true, run: result.run, changed: result.created };
}
