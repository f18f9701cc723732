import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../../log';
import { checkRequestGuard } from '../../engine/requestGuardPort';
import { countThrottled, startHttpCallSpan, type HttpCallSpan } from './httpTracing';
import { timerDelay } from '../../timerDelay';
import { foregroundFirst } from '../../foreground';

/**
 * The one HTTP policy every platform client uses: bearer token from a TokenCredential, a correlation
 * id per request, a timeout, and retries of throttling and transient faults with capped exponential
 * backoff and full jitter that honours `Retry-After`. Tokens never reach a log line: only method,
 * URL path, status and timings are logged.
 */

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpPolicyOptions {
  baseURL: string;
  /** Token scope, e.g. `https://contoso.crm.dynamics.com/.default`; no token when absent. */
  scope?: string;
  credential?: TokenCredential;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  logger?: Logger;
  /** The service's name on spans and metrics (dataverse, financeOps, dualWrite, lcs, powerPlatform, powerPlatformAdmin, graph). */
  service?: string;
  /** Extra default headers (OData versions and the like). */
  headers?: Record<string, string>;
  /**
   * Sees the headers of every answer, 429s and other failures included, before any retry: where a
   * client reads the service's hints (Dataverse's `x-ms-ratelimit-*`, `x-ms-dop-hint`).
   */
  onAnswer?: (answer: { status: number; headers: Record<string, unknown>; sentAt: number }) => void;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Whether the request may be sent again after a 5xx, a timeout or a network error, where the
     * server may have applied it. Defaults to true for GET/HEAD/PUT/DELETE/OPTIONS. A 429 is always
     * retried: the service refused it before doing anything.
     */
    idempotent?: boolean;
    /** Internal: attempt number of this request. */
    attempt?: number;
    /** Internal: when this attempt was sent (performance.now()). */
    sentAt?: number;
    /** Called with `sentAt` as each attempt goes out (a pacer's view of what left when). */
    onSend?: (sentAt: number) => void;
    /** Internal: the call's span, opened by its first attempt and ended by its last. */
    callSpan?: HttpCallSpan;
  }
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

const TRANSIENT_STATUS = new Set([502, 503, 504]);
const SAFE_METHODS = new Set(['get', 'head', 'put', 'delete', 'options']);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
]);

/** `Retry-After` as milliseconds: whole seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Capped exponential backoff with full jitter; `Retry-After` wins when the server sent one. */
export function backoffDelay(attempt: number, retry: RetryOptions, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, retry.maxDelayMs * 4);
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Whether a failed request may be sent again, and after how long. */
export function retryDecision(
  error: AxiosError,
  retry: RetryOptions,
): { retry: false } | { retry: true; delayMs: number } {
  const config = error.config;
  if (!config) return { retry: false };
  const attempt = config.attempt ?? 1;
  if (attempt >= retry.maxAttempts) return { retry: false };
  const status = error.response?.status;
  const idempotent = config.idempotent ?? SAFE_METHODS.has((config.method ?? 'get').toLowerCase());
  if (status === 429) {
    return {
      retry: true,
      delayMs: backoffDelay(attempt, retry, parseRetryAfter(error.response?.headers['retry-after'])),
    };
  }
  const transient =
    (status !== undefined && TRANSIENT_STATUS.has(status)) ||
    (status === undefined && TRANSIENT_CODES.has(error.code ?? ''));
  if (!transient || !idempotent) return { retry: false };
  return {
    retry: true,
    delayMs: backoffDelay(attempt, retry, parseRetryAfter(error.response?.headers['retry-after'])),
  };
}

export function createHttpClient(options: HttpPolicyOptions): AxiosInstance {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 30_000,
    headers: { Accept: 'application/json', ...options.headers },
    // Status handling is the caller's business; the policy only retries.
    validateStatus: (status) => status >= 200 && status < 300,
    // An absolute URL (a service's nextLink, say) is appended to baseURL, never sent to its own host.
    allowAbsoluteUrls: false,
    // The Dynamics APIs answer long work with 202 + Location, never a redirect: a 3xx is an error,
    // and without redirects axios uses Node's http directly (no follow-redirects layer per request).
    maxRedirects: 0,
  });
  const origin = new URL(options.baseURL).origin;
  const service = options.service ?? new URL(options.baseURL).hostname;

  const observe = (config: InternalAxiosRequestConfig, status: number, headers: unknown) => {
    if (options.onAnswer && headers)
      options.onAnswer({
        status,
        headers: headers as Record<string, unknown>,
        sentAt: config.sentAt ?? performance.now(),
      });
  };

  client.interceptors.request.use(async (config: InternalAxiosRequestConfig) => {
    // The engine's requests wait while a click is in flight (src/foreground.ts).
    await foregroundFirst();
    // A step's request goes out only while its replica still holds the run (requestGuardPort.ts).
    checkRequestGuard();
    config.attempt = config.attempt ?? 1;
    if (!config.headers.has('x-ms-client-request-id')) {
      config.headers.set('x-ms-client-request-id', randomUUID());
    }
    // The token is for this client's origin only: a request that would leave it is not sent.
    if (new URL(client.getUri(config)).origin !== origin) {
      throw new Error(`Refused a request outside ${origin}`);
    }
    if (options.credential && options.scope) {
      const token = await options.credential.getToken(options.scope);
      if (!token) throw new Error(`No access token for scope ${options.scope}`);
      config.headers.set('Authorization', `Bearer ${token.token}`);
    }
    config.callSpan ??= startHttpCallSpan(service, config.method ?? 'get', new URL(options.baseURL).host);
    config.sentAt = performance.now();
    config.onSend?.(config.sentAt);
    return config;
  });

  client.interceptors.response.use(
    async (response) => {
      // And so does what the engine does with an answer.
      await foregroundFirst();
      observe(response.config, response.status, response.headers);
      response.config.callSpan?.end(
        response.status,
        response.headers as Record<string, unknown>,
        response.config.attempt ?? 1,
      );
      options.logger?.debug(
        {
          method: response.config.method,
          path: safePath(response.config),
          status: response.status,
          correlationId: response.config.headers.get('x-ms-client-request-id'),
        },
        'http ok',
      );
      return response;
    },
    async (error: unknown) => {
      if (!axios.isAxiosError(error) || !error.config) throw error;
      if (error.response) observe(error.config, error.response.status, error.response.headers);
      if (error.response?.status === 429)
        countThrottled(service, parseRetryAfter(error.response.headers['retry-after']));
      const decision = retryDecision(error, retry);
      const log = {
        method: error.config.method,
        path: safePath(error.config),
        status: error.response?.status,
        code: error.code,
        attempt: error.config.attempt,
        correlationId: error.config.headers.get('x-ms-client-request-id'),
      };
      if (!decision.retry) {
        error.config.callSpan?.end(
          error.response?.status,
          error.response?.headers as Record<string, unknown> | undefined,
          error.config.attempt ?? 1,
        );
        options.logger?.debug(log, 'http failed');
        throw error;
      }
      options.logger?.debug({ ...log, delayMs: decision.delayMs }, 'http retry');
      await new Promise((resolve) => setTimeout(resolve, timerDelay(decision.delayMs)));
      const next = { ...error.config, attempt: (error.config.attempt ?? 1) + 1 };
      return client.request(next);
    },
  );
  return client;
}

/** The URL path without query values (filters can hold customer data). */
function safePath(config: InternalAxiosRequestConfig): string {
  const url = `${config.baseURL ?? ''}${config.url ?? ''}`;
  return url.split('?')[0];
}
