import type { DataverseSettings } from './dataverseSettings';
import { ODataError } from './odataErrors';

/**
 * Dataverse's three service-protection limits, per user over a sliding window, as the service counts
 * them (docs/dynamics-apis.md): requests (a whole `$batch` is one), execution time (every operation of a batch
 * counts), and concurrent requests (trips at once). A refused request ran nothing. Entries keep real
 * (scaled) timestamps; limits and window are read from the settings at every check, so the control
 * API can change them at run time.
 */
export const THROTTLE_CODES = {
  requests: '0x80072322',
  executionTime: '0x80072321',
  concurrency: '0x80072326',
} as const;

interface UserWindow {
  inFlight: number;
  /** Real timestamps of admitted requests, oldest first; `head` is the first live entry. */
  requests: number[];
  requestsHead: number;
  /** Admitted execution entries: real timestamp and unscaled ms, oldest first. */
  execution: Array<{ at: number; ms: number }>;
  executionHead: number;
  executionSum: number;
}

export class ServiceProtection {
  private readonly users = new Map<string, UserWindow>();

  constructor(
    private readonly settings: DataverseSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Admits a request of `operations` operations for `user`, or throws a 429 ODataError with
   * Retry-After. The caller must call the returned release once the request is done.
   */
  admit(user: string, operations: number): () => void {
    const s = this.settings;
    const now = this.now();
    const window = this.user(user);
    const windowReal = s.windowMs * s.timeScale;
    this.prune(window, now - windowReal);

    if (window.inFlight >= s.maxConcurrentRequests) {
      throw this.throttled(
        THROTTLE_CODES.concurrency,
        `Number of concurrent requests exceeded the limit of ${s.maxConcurrentRequests}.`,
        1000 * s.timeScale,
      );
    }
    const liveRequests = window.requests.length - window.requestsHead;
    if (liveRequests >= s.maxRequestsPerWindow) {
      const oldest = window.requests[window.requestsHead];
      throw this.throttled(
        THROTTLE_CODES.requests,
        `Number of requests exceeded the limit of ${s.maxRequestsPerWindow} over time window of ${s.windowMs / 1000} seconds.`,
        oldest + windowReal - now,
      );
    }
    if (window.executionSum >= s.maxExecutionMsPerWindow) {
      // When enough of the oldest execution leaves the window to go below the limit again.
      let sum = window.executionSum;
      let at = now;
      for (
        let i = window.executionHead;
        i < window.execution.length && sum >= s.maxExecutionMsPerWindow;
        i++
      ) {
        sum -= window.execution[i].ms;
        at = window.execution[i].at;
      }
      throw this.throttled(
        THROTTLE_CODES.executionTime,
        `Combined execution time of incoming requests exceeded limit of ${s.maxExecutionMsPerWindow} milliseconds over time window of ${s.windowMs / 1000} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
        at + windowReal - now,
      );
    }

    window.inFlight++;
    window.requests.push(now);
    const cost = operations * s.executionMsPerOperation;
    window.execution.push({ at: now, ms: cost });
    window.executionSum += cost;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      window.inFlight--;
    };
  }

  /**
   * What the user has left in the window, as the `x-ms-ratelimit-*-remaining-xrm-requests` headers
   * report it: requests, and execution time in unscaled ms (never below 0).
   */
  remaining(user: string): { requests: number; executionMs: number } {
    const { requests, executionMs } = this.usage(user);
    return {
      requests: Math.max(0, this.settings.maxRequestsPerWindow - requests),
      executionMs: Math.max(0, this.settings.maxExecutionMsPerWindow - executionMs),
    };
  }

  /** Current counters of a user (for the control API and tests). */
  usage(user: string): { inFlight: number; requests: number; executionMs: number } {
    const window = this.user(user);
    this.prune(window, this.now() - this.settings.windowMs * this.settings.timeScale);
    return {
      inFlight: window.inFlight,
      requests: window.requests.length - window.requestsHead,
      executionMs: window.executionSum,
    };
  }

  reset(): void {
    this.users.clear();
  }

  /** 429 with Retry-After in whole unscaled seconds (at least 1), then scaled. */
  private throttled(code: string, message: string, waitRealMs: number): ODataError {
    const scale = this.settings.timeScale;
    const seconds = Math.max(1, Math.ceil(waitRealMs / scale / 1000));
    return new ODataError(429, code, message, { 'Retry-After': formatSeconds(seconds * scale) });
  }

  private user(user: string): UserWindow {
    let window = this.users.get(user);
    if (!window) {
      window = {
        inFlight: 0,
        requests: [],
        requestsHead: 0,
        execution: [],
        executionHead: 0,
        executionSum: 0,
      };
      this.users.set(user, window);
    }
    return window;
  }

  private prune(window: UserWindow, cutoff: number): void {
    while (window.requestsHead < window.requests.length && window.requests[window.requestsHead] <= cutoff) {
      window.requestsHead++;
    }
    while (
      window.executionHead < window.execution.length &&
      window.execution[window.executionHead].at <= cutoff
    ) {
      window.executionSum -= window.execution[window.executionHead].ms;
      window.executionHead++;
    }
    // Compact now and then so the arrays don't grow without bound.
    if (window.requestsHead > 4096) {
      window.requests = window.requests.slice(window.requestsHead);
      window.requestsHead = 0;
    }
    if (window.executionHead > 4096) {
      window.execution = window.execution.slice(window.executionHead);
      window.executionHead = 0;
    }
  }
}

/** Whole seconds when unscaled; with a time scale the value keeps up to 3 decimals (clients parse both). */
export function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : String(Math.round(seconds * 1000) / 1000);
}
