import type { Span } from '@opentelemetry/api';
import { startClientCallSpan } from '../../telemetry/clientCallSpan';
import { meter } from '../../telemetry/instrumentationScope';

// Telemetry of every Dynamics 365 call (docs/operations.md): one CLIENT span per call, its retries
// included, a child of whatever is active (a step attempt, a card action's preview); and the count
// of throttled answers by service. Method, host, status, retry count and the service's own request
// id go on the span: never the path's query, a header value with a token, or a body.

/**
 * Where each service puts the id its support asks for: Microsoft Graph `request-id`
 * (https://learn.microsoft.com/graph/errors); Dataverse `x-ms-service-request-id` and `ms-cv` on the
 * Power Platform and Finance and Operations answers [inferred: headers those services send, not
 * named in a Learn page we cite]. Whichever comes first is recorded.
 */
export const SERVICE_REQUEST_ID_HEADERS = ['x-ms-service-request-id', 'request-id', 'ms-cv'] as const;

export interface HttpCallSpan {
  span: Span;
  /** Ends the call's span with the final answer (or none: a network error). */
  end(status: number | undefined, headers: Record<string, unknown> | undefined, attempts: number): void;
}

export function startHttpCallSpan(service: string, method: string, host: string): HttpCallSpan {
  const verb = method.toUpperCase();
  const call = startClientCallSpan(`${verb} ${service}`, {
    'http.request.method': verb,
    'server.address': host,
    'dynamics.service': service,
  });
  return {
    span: call.span,
    end(status, headers, attempts) {
      const id = headers && serviceRequestId(headers);
      call.end(
        {
          ...(status !== undefined ? { 'http.response.status_code': status } : {}),
          'http.request.resend_count': Math.max(0, attempts - 1),
          ...(id ? { 'dynamics.request_id': id.value, 'dynamics.request_id_header': id.header } : {}),
        },
        status === undefined ? 'no answer' : status >= 400 ? `HTTP ${status}` : undefined,
      );
    },
  };
}

export function serviceRequestId(
  headers: Record<string, unknown>,
): { header: string; value: string } | undefined {
  for (const header of SERVICE_REQUEST_ID_HEADERS) {
    const value = headers[header];
    // Ids only: a value that does not look like one is not written anywhere.
    if (typeof value === 'string' && /^[\w.:/+=-]{1,128}$/.test(value)) return { header, value };
  }
  return undefined;
}

let throttled: ReturnType<typeof createThrottleInstruments> | undefined;

function createThrottleInstruments() {
  return {
    answers: meter().createCounter('dualwrite.http.throttled', {
      description: 'Answers 429 Too Many Requests, by service',
    }),
    retryAfter: meter().createHistogram('dualwrite.http.retry_after', {
      description: 'Retry-After a throttled answer asked for',
      unit: 's',
    }),
  };
}

/** A 429 from `service`, with the wait its Retry-After asked for (undefined when it sent none). */
export function countThrottled(service: string, retryAfterMs: number | undefined): void {
  throttled ??= createThrottleInstruments();
  const attributes = { 'dynamics.service': service, 'http.retry_after': retryAfterMs !== undefined };
  throttled.answers.add(1, attributes);
  if (retryAfterMs !== undefined)
    throttled.retryAfter.record(retryAfterMs / 1000, { 'dynamics.service': service });
}

/** Forgets the instruments (a test that installs a new MeterProvider). */
export function resetHttpMetrics(): void {
  throttled = undefined;
}
