import axios from 'axios';
import { z } from 'zod';
import { parseRetryAfter } from '../http/httpPolicy';

/**
 * A failed Dataverse call as a typed error: HTTP status, the service's hex code (`0x80040217`...) and
 * message from the OData error body, and whether trying again later can help. Timeouts and network
 * failures have no status and the codes `timeout` / `network`.
 */
export class DataverseError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DataverseError';
  }

  /** Throttled (429): the service ran nothing, sending the same request again is safe. */
  get throttled(): boolean {
    return this.status === 429;
  }

  /** The outcome is unknown: a 5xx, a timeout or a dropped connection. */
  get uncertain(): boolean {
    return this.status === undefined || this.status >= 500;
  }
}

const odataErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Reads an OData error body (object or JSON text); undefined when it is not one. */
export function parseODataError(body: unknown): { code: string; message: string } | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const parsed = odataErrorBody.safeParse(value);
  return parsed.success ? parsed.data.error : undefined;
}

export function toDataverseError(error: unknown, what: string): DataverseError {
  if (error instanceof DataverseError) return error;
  if (axios.isAxiosError(error)) {
    const response = error.response;
    if (!response) {
      const timeout = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
      return new DataverseError(
        `${what}: ${timeout ? 'the request timed out' : `network error (${error.code ?? 'unknown'})`}`,
        timeout ? 'timeout' : 'network',
      );
    }
    const odata = parseODataError(response.data);
    const message =
      odata?.message ?? (response.status === 401 ? 'not authorized' : `HTTP ${response.status}`);
    return new DataverseError(
      `${what}: ${message}`,
      odata?.code ?? `http_${response.status}`,
      response.status,
      parseRetryAfter(response.headers['retry-after']),
    );
  }
  return new DataverseError(`${what}: ${error instanceof Error ? error.message : String(error)}`, 'unknown');
}
