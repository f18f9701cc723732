import type { Attributes } from '@opentelemetry/api';
import { meter } from '../telemetry/instrumentationScope';
import type { Run, StepState } from './model';
import type { RunStore } from './runStorePort';

// The numbers an operator asks of the engine (docs/operations.md): runs started and finished by
// scenario and outcome, time per step kind, approvals waiting and their age, bootstrap throughput,
// lease takeovers and fenced writes. Only @opentelemetry/api: without a MeterProvider
// (src/composition/telemetry.ts) every instrument is a no-op.

/** Instruments are made on first use, so a MeterProvider set after import is the one they report to. */
let instruments: ReturnType<typeof create> | undefined;

function create() {
  const m = meter();
  return {
    runsStarted: m.createCounter('dualwrite.runs.started', { description: 'Runs started' }),
    runsFinished: m.createCounter('dualwrite.runs.finished', {
      description: 'Runs that entered succeeded, failed or cancelled',
    }),
    stepDuration: m.createHistogram('dualwrite.step.duration', {
      description: 'Time of one step attempt (execute or verification)',
      unit: 's',
    }),
    bootstrapRate: m.createHistogram('dualwrite.bootstrap.rows_per_second', {
      description: 'Rows a finished bootstrap stamped per second of its last attempt',
      unit: '{row}/s',
    }),
    takeovers: m.createCounter('dualwrite.lease.takeovers', {
      description: 'Runs taken over from a replica that stopped renewing its lease',
    }),
    fencedWrites: m.createCounter('dualwrite.lease.fenced_writes', {
      description: 'Writes and requests refused because this replica no longer held the run',
    }),
  };
}

function get() {
  instruments ??= create();
  return instruments;
}

/** Forgets the instruments (a test that installs a new MeterProvider). */
export function resetEngineMetrics(): void {
  instruments = undefined;
}

export function countRunStarted(run: Pick<Run, 'scenario'>): void {
  get().runsStarted.add(1, { 'run.scenario': run.scenario });
}

export function countRunFinished(run: Pick<Run, 'scenario' | 'status'>): void {
  get().runsFinished.add(1, { 'run.scenario': run.scenario, 'run.outcome': run.status });
}

export function recordStepAttempt(
  step: Pick<StepState, 'kind'>,
  outcome: string,
  seconds: number,
  output?: Record<string, unknown>,
): void {
  const attributes: Attributes = { 'step.kind': step.kind, 'step.outcome': outcome };
  get().stepDuration.record(seconds, attributes);
  const rows = output?.rowsStamped;
  if (step.kind === 'bootstrapCompanyData' && typeof rows === 'number' && seconds > 0)
    get().bootstrapRate.record(rows / seconds);
}

export function countTakeover(): void {
  get().takeovers.add(1);
}

export function countFencedWrite(what: 'write' | 'request'): void {
  get().fencedWrites.add(1, { 'lease.refused': what });
}

/**
 * Approvals waiting now and the age of the oldest, read from the store when the meter collects
 * (every replica sees the same store; the operator reads one replica's figure, docs/operations.md).
 */
export function observeApprovals(store: Pick<RunStore, 'listUnfinished'>, nowMs: () => number): () => void {
  const m = meter();
  const waiting = m.createObservableGauge('dualwrite.approvals.waiting', {
    description: 'Steps waiting for an approval decision',
  });
  const oldest = m.createObservableGauge('dualwrite.approvals.oldest_age', {
    description: 'Age of the oldest approval still waiting for a decision',
    unit: 's',
  });
  const callback = async (result: Parameters<Parameters<typeof m.addBatchObservableCallback>[0]>[0]) => {
    const asked = (await store.listUnfinished()).flatMap((run) =>
      run.steps.filter((s) => s.status === 'awaiting_approval' && !s.approval?.decision),
    );
    const ages = asked.map((s) => (nowMs() - Date.parse(s.approval?.requestedAt ?? '')) / 1000);
    result.observe(waiting, asked.length);
    result.observe(oldest, Math.max(0, ...ages.filter((age) => Number.isFinite(age))));
  };
  m.addBatchObservableCallback(callback, [waiting, oldest]);
  return () => m.removeBatchObservableCallback(callback, [waiting, oldest]);
}
