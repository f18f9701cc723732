/**
 * What makes the emulated Dataverse slow or faulty, all changeable at run time: the emulator shell
 * hands the same mutable object to `dataverseRouter` and edits its fields through its control API.
 * Every duration is multiplied by `timeScale`, so the ratios between latency, execution time, the
 * service-protection window and Retry-After hold while tests run fast.
 */
export interface DataverseSettings {
  /** Multiplies every duration below (latency, execution, window, Retry-After, hang). */
  timeScale: number;
  /** Network round trip added to every HTTP request, unscaled ms. */
  roundTripMs: number;
  /** Server execution time per operation (a `$batch` of n operations costs n of these), unscaled ms. */
  executionMsPerOperation: number;

  // --- Service protection, per user (bearer token), over a sliding window (docs/dynamics-apis.md) ---
  windowMs: number;
  /** Requests per window; a whole `$batch` is one request. 429 0x80072322. */
  maxRequestsPerWindow: number;
  /** Execution time per window, summed over every operation of a batch, unscaled ms. 429 0x80072321. */
  maxExecutionMsPerWindow: number;
  /** Requests in flight at once; trips immediately. 429 0x80072326. */
  maxConcurrentRequests: number;
  /**
   * `x-ms-dop-hint`, the degree of parallelism the environment recommends ("Send parallel
   * requests"). The value is the environment's own: captures show 4 and 48; 16 is [inferred].
   */
  dopHint: number;

  // --- Fault injection ---
  /** Probability (0..1) that a request fails with 503 before anything runs. */
  errorRate: number;
  /** The next N requests get 429 (0x80072322) before anything runs; counts down. */
  throttleBurst: number;
  /** Retry-After of the injected 429s, unscaled seconds. */
  throttleRetryAfterSeconds: number;
  /** Probability (0..1) that a request runs, commits, and then hangs `hangMs` before answering. */
  hangRate: number;
  /** How long a hung request waits before it answers, unscaled ms (make it longer than the client timeout). */
  hangMs: number;
  /** Extra latency on every request, unscaled ms. */
  addedLatencyMs: number;
  /** Random source for the fault probabilities (inject a seeded one for reproducible runs). */
  random: () => number;

  /** Entra tenant named in the 401 `WWW-Authenticate` header. */
  tenantId: string;
}

export const DEFAULT_DATAVERSE_SETTINGS: Readonly<Omit<DataverseSettings, 'random'>> = Object.freeze({
  timeScale: 1,
  roundTripMs: 50,
  executionMsPerOperation: 10,
  windowMs: 300_000,
  maxRequestsPerWindow: 6_000,
  maxExecutionMsPerWindow: 1_200_000,
  maxConcurrentRequests: 52,
  dopHint: 16,
  errorRate: 0,
  throttleBurst: 0,
  throttleRetryAfterSeconds: 2,
  hangRate: 0,
  hangMs: 120_000,
  addedLatencyMs: 0,
  tenantId: '00000000-0000-0000-0000-000000000000',
});

/** A fresh, mutable settings object: the documented defaults with `overrides` applied. */
export function createDataverseSettings(overrides: Partial<DataverseSettings> = {}): DataverseSettings {
  return { ...DEFAULT_DATAVERSE_SETTINGS, random: Math.random, ...overrides };
}
