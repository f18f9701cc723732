import type { Run, StepKind, StepState } from '../../src/engine/model';
import type { Platform } from '../../src/engine/ports';
import { setupInputSchema } from '../../src/engine/scenarios/scenarioInput';
import type { StepParamsInput } from '../../src/engine/stepParams';
import { STEP_MODULES } from '../../src/engine/steps';
import type { StepContext, VerificationResult } from '../../src/engine/steps/stepContext';
import { systemClock } from '../../src/engine/systemClock';

/**
 * Runs one step module's `execute` or `verify` against a platform (the emulator) without an engine or
 * a store: a run of the given input holding the earlier steps' outputs the step reads, and the step
 * itself. Records what the step checkpoints, its progress and the service's words, and returns the
 * step as it would be persisted, so a second call can resume from its checkpoint.
 */
export interface StepAlone<K extends StepKind> {
  platform: Platform;
  input: Record<string, unknown>;
  kind: K;
  params: StepParamsInput<K>;
  /** Outputs of earlier steps the step reads (e.g. provisionFinanceOps' financeOpsUrl). */
  earlier?: Array<{ kind: StepKind; output: Record<string, unknown> }>;
  /** The step's checkpoint as a crash left it. */
  checkpoint?: Record<string, unknown>;
}

export interface StepAloneTrace {
  step: StepState;
  checkpoints: Array<Record<string, unknown>>;
  progress: Array<{ done: number; total: number; unit: string }>;
  serviceStatus: string[];
}

function contextOf<K extends StepKind>(
  options: StepAlone<K>,
  signal: AbortSignal,
): { ctx: StepContext; trace: StepAloneTrace } {
  const module = STEP_MODULES[options.kind];
  const at = systemClock.now().toISOString();
  const earlier = (options.earlier ?? []).map(({ kind, output }, index): StepState => ({
    id: `e${index + 1}-${kind}`,
    kind,
    title: STEP_MODULES[kind].title,
    where: 'Dataverse',
    mode: 'automatic',
    needsApproval: false,
    skippable: false,
    params: {},
    status: 'succeeded',
    attempts: 1,
    output,
  }));
  const step: StepState = {
    id: `s01-${options.kind}`,
    kind: options.kind,
    title: module.title,
    where: 'Dataverse',
    mode: 'automatic',
    needsApproval: module.needsApproval,
    skippable: module.skippable,
    params: module.params.parse(options.params) as Record<string, unknown>,
    status: 'running',
    attempts: 1,
    ...(options.checkpoint ? { checkpoint: { ...options.checkpoint } } : {}),
  };
  const input = setupInputSchema.parse(options.input);
  const run: Run = {
    id: `alone-${options.kind}`,
    scenario: input.scenario,
    input,
    status: 'running',
    rev: 1,
    requestedBy: { id: 'alice', name: 'Alice' },
    lockKey: 'alone',
    createdAt: at,
    updatedAt: at,
    steps: [...earlier, step],
  };
  const trace: StepAloneTrace = { step, checkpoints: [], progress: [], serviceStatus: [] };
  const ctx: StepContext = {
    run,
    step,
    platform: options.platform,
    clock: systemClock,
    signal,
    pollIntervalMs: 10,
    async checkpoint(patch) {
      trace.checkpoints.push(patch);
      step.checkpoint = { ...step.checkpoint, ...patch };
    },
    progress(done, total, unit) {
      trace.progress.push({ done, total, unit });
    },
    async serviceStatus(text) {
      trace.serviceStatus.push(text);
    },
  };
  return { ctx, trace };
}

/** The step's `execute`: its output (what later steps read) and the trace. */
export async function executeStepAlone<K extends StepKind>(
  options: StepAlone<K>,
  signal = new AbortController().signal,
): Promise<{ output: Record<string, unknown> } & StepAloneTrace> {
  const { ctx, trace } = contextOf(options, signal);
  const output = await STEP_MODULES[options.kind].execute(ctx);
  return { output, ...trace };
}

/** The step's `verify` (what the engine runs after the admin's Done on a manual step). */
export async function verifyStepAlone<K extends StepKind>(
  options: StepAlone<K>,
): Promise<VerificationResult> {
  const { ctx } = contextOf(options, new AbortController().signal);
  return STEP_MODULES[options.kind].verify(ctx);
}

/** The step's `approvalSummary` (what the approval card shows), for a kind that asks for approval. */
export async function approvalSummaryAlone<K extends StepKind>(
  options: StepAlone<K>,
): Promise<Record<string, unknown>> {
  const { ctx } = contextOf(options, new AbortController().signal);
  const summarize = STEP_MODULES[options.kind].approvalSummary;
  if (!summarize) throw new Error(`${options.kind} asks for no approval`);
  return summarize(ctx);
}

/** The step's instructions for this run (what the manual-step card shows when the step comes up). */
export async function manualInstructionsAlone<K extends StepKind>(
  options: StepAlone<K>,
): Promise<string | undefined> {
  const { ctx } = contextOf(options, new AbortController().signal);
  return STEP_MODULES[options.kind].manualInstructions?.(ctx);
}
