import { matchKnownError } from './knownErrors/knownErrorCatalog';
import type { StepError } from './model';
import { PermanentStepError, TransientStepError } from './steps/stepContext';

// Sorts a step failure into "try the whole step again later" (throttling, 5xx, timeouts, network)
// and "the admin must act" (everything else), with a readable message. Platform clients throw their
// own typed errors; this reads the common fields (status, code, retryAfterMs) rather than their
// classes, so the engine imports nothing from the platform layer. A failure whose text Microsoft
// documents carries the id of its catalogue entry (docs/known-errors.md), for the failure card.

export interface ClassifiedError {
  transient: boolean;
  code: string;
  message: string;
  retryAfterMs?: number;
  knownErrorId?: string;
  correlationId?: string;
}

const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ERR_NETWORK',
  'timeout',
  'network',
]);

export function classifyError(error: unknown): ClassifiedError {
  const classified = classify(error);
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const known = matchKnownError({
    status: numberOf(record.status),
    code: typeof record.serviceCode === 'string' ? record.serviceCode : classified.code,
    message: classified.message,
  });
  const correlationId = typeof record.correlationId === 'string' ? record.correlationId : undefined;
  return {
    ...classified,
    ...(known ? { knownErrorId: known.id } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

/** The step's error as the run keeps it, with `message` in place of the service's own words. */
export function stepErrorOf(failure: ClassifiedError, message = failure.message): StepError {
  return {
    code: failure.code,
    message,
    ...(failure.knownErrorId ? { knownErrorId: failure.knownErrorId } : {}),
    ...(failure.correlationId ? { correlationId: failure.correlationId } : {}),
  };
}

function classify(error: unknown): ClassifiedError {
  if (error instanceof TransientStepError) {
    return { transient: true, code: error.code, message: error.message, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof PermanentStepError)
    return { transient: false, code: error.code, message: error.message };
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const response = (
    typeof record.response === 'object' && record.response !== null ? record.response : {}
  ) as Record<string, unknown>;
  const status = numberOf(record.status) ?? numberOf(record.statusCode) ?? numberOf(response.status);
  const code =
    typeof record.code === 'string' && record.code ? record.code : status ? `http_${status}` : 'error';
  const message = readableMessage(error, response);
  const retryAfterMs = numberOf(record.retryAfterMs);
  const transient =
    record.transient === true ||
    record.retryable === true ||
    (status !== undefined && TRANSIENT_STATUS.has(status)) ||
    (status === undefined && TRANSIENT_CODES.has(code));
  return { transient, code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

/** Capped exponential backoff with full jitter; the service's Retry-After wins when it sent one. */
export function stepRetryDelay(
  attempt: number,
  retry: { baseDelayMs: number; maxDelayMs: number },
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, retry.maxDelayMs * 4);
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function readableMessage(error: unknown, response: Record<string, unknown>): string {
  const data = response.data as
    { error?: { message?: unknown; innererror?: { message?: unknown } } } | undefined;
  const inner = data?.error?.innererror?.message ?? data?.error?.message;
  if (typeof inner === 'string' && inner) return inner;
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
