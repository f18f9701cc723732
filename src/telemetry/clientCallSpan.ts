import { context, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { tracer } from './instrumentationScope';

// The span shape the Teams layer and the platform clients share: one CLIENT span per outgoing call,
// its retries included (docs/operations.md), in the bot's instrumentation scope
// (instrumentationScope.ts). Only @opentelemetry/api, so any layer may import it
// (.dependency-cruiser.cjs); every call is a no-op unless src/composition/telemetry.ts set an SDK up.

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
