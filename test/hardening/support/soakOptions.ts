// What a soak is asked to do: how many runs, how often a bot dies, and the faults the emulator injects
// (soakRig.ts runs it; docs/reliability.md, "Soak").

export interface SoakOptions {
  runs: number;
  restarts: number;
  /** Stop killing after this many restarts (default: keep killing at random until the runs end). */
  maxRestarts?: number;
  /** Bot up-time between kills, ms (random in this range). */
  killEveryMs: [number, number];
  deadlineMs: number;
  accountsPerOrg: number;
  contactsPerOrg: number;
  /** The fault mix (default FAULTS). */
  faults?: typeof FAULTS;
  log?: (line: string) => void;
  /**
   * Bot processes on one PostgreSQL (`databaseUrl`); runs are started through each in turn. With 2 or
   * more, each disruption alternates: a replica is SIGKILLed (and started again after its leases
   * expired), or SIGSTOPped past its leases and then SIGCONTed.
   */
  replicas?: number;
  databaseUrl?: string;
  leaseTtlSeconds?: number;
}

/** The fault mix: at least 20% of the requests of every API get a 429, a 5xx or a timeout. */
export const FAULTS = {
  // Drawn one after the other: 1 - 0.95 * 0.93 * 0.89 = 21% of requests get a timeout, a 429 or a 5xx.
  http: {
    latencyMs: 20,
    timeoutRate: 0.05,
    throttleRate: 0.07,
    retryAfterSeconds: 1,
    errorRate: 0.11,
    hangMs: 2500,
  },
  // 1 - 0.85 * 0.93 = 21%: a 503 before anything runs, or a hang after the write committed (the
  // answer is lost: the client times out and must not apply it twice). Dataverse durations are
  // scaled by the time scale (0.002): hangMs 1,250,000 is 2.5 s real.
  dataverse: { errorRate: 0.15, hangRate: 0.07, hangMs: 1_250_000, addedLatencyMs: 20, throttleBurst: 3 },
};
