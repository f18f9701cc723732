import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

// Structured logs (pino). Anything that can carry a secret is redacted at the source: headers with
// tokens, client secrets and passwords never reach a log line.

export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  'req.headers.authorization',
  'config.headers.Authorization',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  'BOT_PASSWORD',
  'AZURE_CLIENT_SECRET',
  '*.headers.authorization',
  '*.headers.Authorization',
];

/**
 * Errors are logged by what they say, not by what they carry: an axios error holds the request
 * config (its `Authorization: Bearer ...` header) and the raw request (`_header`, the same header as
 * text), and pino's standard serializer would write both out.
 */
const CARRIERS = new Set(['config', 'request', 'response', 'headers', 'socket', 'agent']);

export function safeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const serialized = pino.stdSerializers.err(value) as unknown as Record<string, unknown>;
  const safe: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(serialized)) {
    if (!CARRIERS.has(key)) safe[key] = field;
  }
  const response = (value as { response?: { status?: unknown } }).response;
  if (response && typeof response.status === 'number') safe.status = response.status;
  return safe;
}

/**
 * The ids of the active span (a step attempt, a Dynamics call, a card action) on every line, so a log
 * line leads to its trace (docs/operations.md); nothing when tracing is off.
 */
export function traceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: safeError, error: safeError },
      base: undefined,
      mixin: traceIds,
    },
    destination,
  );
}

export type { Logger };
