import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import type { Emit } from './commitAndEmit';
import { EngineError, type CommandResult } from './engineApi';
import type { Actor, PlanPreview, Run, RunScope, StepState } from './model';
import type { Clock } from './ports';
import type { RunStore } from './runStorePort';
import { describeEnvironment, environmentsOf, lockKeyOf } from './scenarios/environments';
import type { Planner } from './planPreviews';

// Start: the confirmed preview becomes a stored run, unless a finding blocks it or another active run
// holds one of its environments. A repeated Start (same requestKey) answers with the run it created,
// found before planning: its pre-flight would see what the run itself changed (a link it made, a
// unified environment it created) and refuse the run's own work.

export interface StartRunDeps {
  plan: Planner;
  store: RunStore;
  clock: Clock;
  emit: Emit;
  logger?: Logger;
  /** Wakes the executor for the run (new or the one a repeated Start returns). */
  kick(runId: string): void;
}

export async function startRun(
  deps: StartRunDeps,
  rawInput: unknown,
  requestedBy: Actor,
  requestKey: string,
  scope?: RunScope,
): Promise<CommandResult> {
  const { store, clock, emit, logger } = deps;
  const existing = await store.findByRequestKey(requestKey);
  if (existing) {
    deps.kick(existing.id);
    return { ok: true, run: existing, changed: false };
  }
  let preview: PlanPreview;
  try {
    preview = await deps.plan(rawInput, true);
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
  deps.kick(result.run.id);
  return { ok: true, run: result.run, changed: result.created };
}
