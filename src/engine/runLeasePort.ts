// Ports for running several replicas on one store: a run is driven by the one replica holding its
// lease, every write the holder makes carries its fence (owner and epoch, checked by the store in the
// same transaction), and a command recorded by any replica wakes the holder through a signal.
// Implemented in src/store (SQLite: one process; PostgreSQL: many, with LISTEN/NOTIFY).

/** Proof of holding a run's lease: the store refuses a fenced write whose epoch is not current. */
export interface LeaseFence {
  owner: string;
  epoch: number;
}

export interface RunLease extends LeaseFence {
  runId: string;
  /** Epoch milliseconds after which another replica may take the run over. */
  expiresAt: number;
}

export interface RunLeases {
  /**
   * Takes the run's lease when nobody holds it, when it expired, or when `owner` already holds it.
   * A new holder gets a higher epoch, so every write of the previous one is refused from then on.
   * Null when another replica holds an unexpired lease.
   */
  acquire(runId: string, owner: string, ttlMs: number): Promise<RunLease | null>;
  /**
   * Takes the run's lease whoever holds it (a "Continue as me" click landed on `owner`, whose memory
   * holds the click's token): a higher epoch unless `owner` already holds it, so every write of the
   * previous holder is refused from then on, as after a takeover.
   */
  handOver(runId: string, owner: string, ttlMs: number): Promise<RunLease>;
  /** Extends the lease if `fence` still holds it (even just expired, if nobody took it over). */
  renew(runId: string, fence: LeaseFence, ttlMs: number): Promise<RunLease | null>;
  /** Gives the lease up (the run finished or the replica stops), so another may take it at once. */
  release(runId: string, fence: LeaseFence): Promise<void>;
  /** The current lease of a run, if any (expired ones too). */
  current(runId: string): Promise<RunLease | null>;
}

/** "Run X has news" (a command was recorded): reaches every replica, the holder acts on it. */
export interface RunSignals {
  notify(runId: string): Promise<void>;
  /** Returns a function that stops listening. */
  listen(listener: (runId: string) => void): () => void;
  close(): Promise<void>;
}

/** A write by a replica that no longer holds the run's lease: nothing was written. */
export class FencedWriteError extends Error {
  readonly code = 'fenced';
  constructor(
    readonly runId: string,
    readonly fence: LeaseFence,
  ) {
    super(`Run ${runId}: lease epoch ${fence.epoch} of ${fence.owner} is no longer current; write refused`);
    this.name = 'FencedWriteError';
  }
}
