import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { startClientCallSpan } from '../telemetry/clientCallSpan';
import { meter, tracer } from '../telemetry/instrumentationScope';

// The Teams layer's share of the telemetry (docs/operations.md): a span per card action (the click's
// verb, its run, how it was answered) and per proactive send to Teams, and the waits Teams' send
// limits imposed. Only @opentelemetry/api: no-ops unless src/composition/telemetry.ts set an SDK up.

/** Runs a card action inside its span; what the engine does for it (a Start's run) links to it. */
export async function inCardActionSpan<T>(verb: string, work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(`card ${verb}`, {
    kind: SpanKind.SERVER,
    attributes: { 'card.verb': verb },
  });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    throw error;
  } finally {
    span.end();
  }
}

/** One proactive message to Teams (a new one or an update), its retries included. */
export function startTeamsSendSpan(kind: 'send' | 'update'): {
  end(outcome: 'sent' | 'skipped' | 'failed', attempts: number, status?: number): void;
} {
  const call = startClientCallSpan(`teams ${kind}`, { 'teams.send.kind': kind });
  return {
    end(outcome, attempts, status) {
      call.end(
        {
          'teams.send.outcome': outcome,
          'http.request.resend_count': attempts - 1,
          ...(status !== undefined ? { 'http.response.status_code': status } : {}),
        },
        outcome === 'failed' ? `HTTP ${status ?? '-'}` : undefined,
      );
    },
  };
}

let budgetWaits: ReturnType<typeof createBudgetInstruments> | undefined;

function createBudgetInstruments() {
  return {
    waits: meter().createCounter('dualwrite.teams.send_budget_waits', {
      description: "Sends held back by Teams' per-conversation limits",
    }),
    waited: meter().createHistogram('dualwrite.teams.send_budget_wait', {
      description: "Time a send waited for Teams' per-conversation limits",
      unit: 's',
    }),
  };
}

/** A send waited `ms` for the budget: `shared` (counted by every replica in the store) or this replica's. */
export function countSendBudgetWait(budget: 'shared' | 'local', ms: number): void {
  budgetWaits ??= createBudgetInstruments();
  budgetWaits.waits.add(1, { 'teams.budget': budget });
  budgetWaits.waited.record(ms / 1000, { 'teams.budget': budget });
}

/** Forgets the instruments (a test that installs a new MeterProvider). */
export function resetBotMetrics(): void {
  budgetWaits = undefined;
}
