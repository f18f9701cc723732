import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

// The instrumentation scope of the Teams layer and the platform clients, and the span shape they share:
// one CLIENT span per outgoing call, its retries included (docs/operations.md). Only
// @opentelemetry/api, so any layer may import it (.dependency-cruiser.cjs); every call is a no-op
// unless src/composition/telemetry.ts set an SDK up.

export const INSTRUMENTATION_NAME = 'dualwrite-setup-bot';
export const tracer = () => trace.getTracer(INSTRUMENTATION_NAME);
export const meter = () => metrics.getMeter(INSTRUMENTATION_NAME);

export interface ClientCallSpan {
  span: Span;
  /** Ends the span with the call's outcome; a `failure` marks it an error, with that short message. */
  end(outcome: Attributes, failure?: string): void;
}

/** Starts the span of one outgoing call, a child of whatever is active (a step attempt, a click). */
export function startClientCallSpan(name: string, attributes: Attributes): ClientCallSpan {
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
  return {
    span,
    end(outcome, failure) {
      span.setAttributes(outcome);
      if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
      span.end();
    },
  };
}
