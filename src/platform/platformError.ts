import axios from 'axios';

/**
 * A failed call to a Dynamics 365 API, with a readable message for the run card (never a stack) and
 * a code the engine can act on. Built from the service's own error body where there is one: F&O's
 * `innererror.message`, the `{error: {code, message}}` of Dataverse, BAP, Power Platform and the
 * gateway, LCS's `ErrorMessage`.
 */
export type PlatformErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'throttled'
  | 'unavailable'
  | 'timeout'
  | 'not_supported'
  /** A delegated token needs the admin to sign in again (http/onBehalfOf.ts). */
  | 'sign_in_needed'
  /** AZURE_AUTH=obo: the service takes an admin's own token and no admin has acted yet (adminOnly.ts). */
  | 'admin_needed'
  | 'failed';

export class PlatformError extends Error {
  constructor(
    readonly code: PlatformErrorCode,
    message: string,
    readonly status?: number,
    /** The service's own error code (e.g. `0x80040217`, `DW9003`). */
    readonly serviceCode?: string,
    /** The `x-ms-client-request-id` of the failed call, by which the service can trace it. */
    readonly correlationId?: string,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Converts anything thrown by an HTTP call into a PlatformError; `what` names the operation. */
export function toPlatformError(error: unknown, what: string): PlatformError {
  if (error instanceof PlatformError) return error;
  if (!axios.isAxiosError(error)) {
    return new PlatformError(
      'failed',
      `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const status = error.response?.status;
  if (status === undefined) {
    const timeout = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
    return new PlatformError(
      timeout ? 'timeout' : 'unavailable',
      `${what} failed: ${timeout ? 'the service did not answer in time' : `cannot reach the service (${error.code ?? 'network error'})`}.`,
    );
  }
  const { message, code } = readErrorBody(error.response?.data);
  const text = `${what} failed (HTTP ${status})${message ? `: ${message}` : '.'}`;
  const correlationId = error.config?.headers?.get?.('x-ms-client-request-id');
  return new PlatformError(
    codeForStatus(status),
    text,
    status,
    code,
    typeof correlationId === 'string' ? correlationId : undefined,
  );
}

function codeForStatus(status: number): PlatformErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'throttled';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

function readErrorBody(data: unknown): { message?: string; code?: string } {
  if (typeof data === 'string') return { message: data.slice(0, 500) || undefined };
  if (!data || typeof data !== 'object') return {};
  const body = data as Record<string, unknown>;
  const error = body.error as Record<string, unknown> | undefined;
  if (error && typeof error === 'object') {
    const inner = error.innererror as Record<string, unknown> | undefined;
    const innerMessage = inner && typeof inner.message === 'string' ? inner.message : undefined;
    return {
      message: innerMessage ?? (typeof error.message === 'string' ? error.message : undefined),
      code: typeof error.code === 'string' && error.code ? error.code : undefined,
    };
  }
  if (typeof body.ErrorMessage === 'string') return { message: body.ErrorMessage };
  return {};
}

/** Strips trailing slashes so URLs compare and join predictably. */
export function trimUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
