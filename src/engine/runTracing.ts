import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { tracer } from '../telemetry/instrumentationScope';
import { recordStepAttempt } from './engineMetrics';
import type { Run, StepState } from './model';

// One trace per run (docs/operations.md): Start opens the run's root span and stores its context
// with the run (`Run.trace`, W3C traceparent), so every step attempt, on whatever replica drives it
// and after any restart, is a child of the same root. Only @opentelemetry/api here: without an SDK
// (src/composition/telemetry.ts) every span is a no-op and no context is stored.

/** https://www.w3.org/TR/trace-context/#traceparent-header-field-values */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function traceparentOf(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')}`;
}

export function spanContextOf(traceparent: string): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const span = { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true };
  return isSpanContextValid(span) ? span : undefined;
}

/**
 * The run's root span, opened and closed at Start (a span cannot outlive the process, a run can):
 * linked to the click that started it. Its context is what the run stores; undefined when tracing
 * is off.
 */
export function openRunTrace(run: Pick<Run, 'id' | 'scenario'>): Run['trace'] {
  const clicked = trace.getSpanContext(context.active());
  const span = tracer().startSpan(
    `run ${run.scenario}`,
    {
      root: true,
      kind: SpanKind.INTERNAL,
      attributes: { 'run.id': run.id, 'run.scenario': run.scenario },
      links: clicked && isSpanContextValid(clicked) ? [{ context: clicked }] : [],
    },
    ROOT_CONTEXT,
  );
  span.end();
  const opened = span.spanContext();
  return isSpanContextValid(opened) ? { traceparent: traceparentOf(opened) } : undefined;
}

/** The context a run's spans are children of: its stored root, or none (runs from before tracing). */
export function runContext(run: Pick<Run, 'trace'>): Context {
  const root = run.trace && spanContextOf(run.trace.traceparent);
  return root ? trace.setSpanContext(ROOT_CONTEXT, root) : ROOT_CONTEXT;
}

/** One step attempt as telemetry: its span (the Dynamics calls inside are children) and its duration. */
export interface StepAttemptTelemetry {
  /** Runs the attempt's work with its span active. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** succeeded, retrying, failed or stopped; an error code, never a message (it can quote row data). */
  end(outcome: string, errorCode?: string, output?: Record<string, unknown>): void;
}

/**
 * A span per step attempt (`execute` or a manual step's verification), a child of the run's root;
 * the Dynamics calls it makes are its children (src/platform/http/httpTracing.ts).
 */
export function stepAttempt(
  run: Pick<Run, 'id' | 'scenario' | 'trace'>,
  step: Pick<StepState, 'id' | 'kind'>,
  name: 'execute' | 'verify',
  attempt: number,
  nowMs: () => number,
): StepAttemptTelemetry {
  const parent = runContext(run);
  const span = tracer().startSpan(
    `${name} ${step.kind}`,
    {
      attributes: {
        'run.id': run.id,
        'run.scenario': run.scenario,
        'step.id': step.id,
        'step.kind': step.kind,
        'step.attempt': attempt,
      },
    },
    parent,
  );
  const began = nowMs();
  let ended = false;
  return {
    run: (work) => context.with(trace.setSpan(parent, span), work),
    end(outcome, errorCode, output) {
      if (ended) return;
      ended = true;
      span.setAttribute('step.outcome', outcome);
      if (errorCode) span.setAttribute('step.error_code', errorCode);
      if (outcome === 'failed' || outcome === 'retrying')
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode ?? outcome });
      span.end();
      recordStepAttempt(step, outcome, (nowMs() - began) / 1000, output);
    },
  };
}

/** A run entered a finished status: a short span in its trace says how it ended. */
export function traceRunFinished(run: Pick<Run, 'id' | 'scenario' | 'trace' | 'status' | 'steps'>): void {
  const failed = run.steps.find((s) => s.status === 'failed');
  const span = tracer().startSpan(
    `run ${run.status}`,
    {
      attributes: {
        'run.id': run.id,
        'run.scenario': run.scenario,
        'run.outcome': run.status,
        ...(failed ? { 'step.kind': failed.kind, 'step.error_code': failed.error?.code ?? 'unknown' } : {}),
      },
    },
    runContext(run),
  );
  if (run.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: 'run failed' });
  span.end();
}
