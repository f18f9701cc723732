import type { ServiceHints } from './serviceHints';

// Paces the bootstrap's `$batch` requests by what Dataverse says on its answers (serviceHints.ts):
//
// - at most `min(concurrency, x-ms-dop-hint)` in flight ("Send parallel requests": the hint is the
//   environment's recommended degree of parallelism);
// - a batch goes only while the execution time left, minus what the batches sent since that reading
//   will cost, covers it: the service's budget is spent up to its edge but not past it, so the
//   client waits a short probe interval instead of a 429's whole-second Retry-After. The cost of one
//   operation is learned from the first batch, sent alone (the drop of the time left across it);
// - held back by the budget, a cheap read (`probe`, one at a time) after a quarter of a batch's
//   round trip (at most four of the shortest round trips) without an answer sees the window free up;
// - after any 429 everybody waits its Retry-After.
//
// Without the headers (another service, or a server that resets them) it is plain bounded
// concurrency, and the 429 handling alone keeps it within the limits.

export interface StampPacerOptions {
  hints: ServiceHints;
  /** Our own upper bound on batches in flight; the dop hint may lower it. */
  concurrency: number;
  /** A cheap read whose answer refreshes the hints. */
  probe: () => Promise<unknown>;
  signal?: AbortSignal;
}

interface Ticket {
  operations: number;
  /** When it went out (its HTTP attempt), undefined until then. */
  sentAt?: number;
  /** When it was given its place. */
  placedAt: number;
  /** The execution time left before this batch, for learning what an operation costs. */
  before?: BudgetSnapshot;
}

interface BudgetSnapshot {
  executionSeconds: number;
  sentAt: number;
}

export class StampPacer {
  private readonly inFlight = new Map<number, Ticket>();
  private nextId = 1;
  /** Execution seconds one operation costs, learned from the first batch; 0 when unknown. */
  private secondsPerOperation?: number;
  /** Round trip of a batch (ms, moving average): a quarter of it is the probe interval. */
  private roundTripMs = 200;
  private probing = false;
  /** How long before a reading a batch must have left to be in it (ms); grows with every 429. */
  private marginMs = 0;
  private throttlesSeen = 0;
  private releasedSinceThrottle = 0;
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: () => void;
  peakInFlight = 0;
  probes = 0;

  constructor(private readonly o: StampPacerOptions) {
    this.unsubscribe = o.hints.onChange(() => this.wake());
  }

  /** Waits until a batch of `operations` may go; resolves its ticket id, or undefined once aborted. */
  async acquire(operations: number): Promise<number | undefined> {
    for (;;) {
      if (this.o.signal?.aborted) return undefined;
      const pause = this.o.hints.throttledUntil - performance.now();
      if (pause > 0) {
        await this.waitChange(pause);
        continue;
      }
      if (this.inFlight.size < this.limit() && this.allows(operations)) {
        const id = this.nextId++;
        const reading = this.o.hints.latest;
        this.inFlight.set(id, {
          operations,
          placedAt: performance.now(),
          before:
            reading?.executionSeconds !== undefined
              ? { executionSeconds: reading.executionSeconds, sentAt: reading.sentAt }
              : undefined,
        });
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight.size);
        return id;
      }
      const changed = await this.waitChange(
        Math.max(2, Math.min(this.roundTripMs / 4, 4 * this.o.hints.minRoundTripMs)),
      );
      // Held back by the budget and no answer for a while: look whether the window freed up.
      if (!changed && this.inFlight.size < this.limit() && !this.probing) void this.probe();
    }
  }

  /** The batch's HTTP attempt went out (a retry moves it on: the service ran nothing of a 429). */
  sent(id: number, at: number): void {
    const ticket = this.inFlight.get(id);
    if (ticket) ticket.sentAt = at;
  }

  /** The batch is answered (or given up): frees its place and learns from it. */
  release(id: number): void {
    const ticket = this.inFlight.get(id);
    if (!ticket) return;
    this.inFlight.delete(id);
    // A hundred answers without a 429: the margin may shrink again (halving back towards the start).
    if (++this.releasedSinceThrottle >= 100) {
      this.releasedSinceThrottle = 0;
      this.marginMs /= 2;
    }
    this.roundTripMs =
      0.8 * this.roundTripMs + 0.2 * (performance.now() - (ticket.sentAt ?? ticket.placedAt));
    const after = this.o.hints.latest;
    if (
      this.secondsPerOperation === undefined &&
      ticket.before &&
      after?.executionSeconds !== undefined &&
      after.sentAt >= (ticket.sentAt ?? ticket.placedAt)
    ) {
      // Sent alone: the drop is its cost (a refill meanwhile only makes it look cheaper).
      this.secondsPerOperation = Math.max(
        0,
        (ticket.before.executionSeconds - after.executionSeconds) / ticket.operations,
      );
    }
    this.wake();
  }

  close(): void {
    this.unsubscribe();
    this.wake();
  }

  private limit(): number {
    return Math.max(1, Math.min(this.o.concurrency, this.o.hints.dop ?? this.o.concurrency));
  }

  private allows(operations: number): boolean {
    const reading = this.o.hints.latest;
    if (!reading) return true;
    // The service wrote the reading as its answer left, about half the shortest round trip before
    // it came. A batch not yet sent, or sent less than a margin before that, may not be in it: it
    // counts against what the reading says is left (twice, at worst, which only waits for its
    // answer). The margin starts at three shortest round trips, doubles with every 429 (a busy
    // client or service reaches the service later than it sends) and halves after a hundred
    // answers without one.
    if (this.o.hints.throttled > this.throttlesSeen) {
      this.throttlesSeen = this.o.hints.throttled;
      this.releasedSinceThrottle = 0;
      this.marginMs = Math.max(2 * this.marginMs, 6 * this.o.hints.minRoundTripMs, 5);
    }
    const margin = Math.max(3 * this.o.hints.minRoundTripMs, this.marginMs);
    const writtenBefore = reading.receivedAt - margin - 1;
    let unreflectedOps = 0;
    let unreflectedRequests = 0;
    for (const ticket of this.inFlight.values()) {
      if (ticket.sentAt === undefined || ticket.sentAt >= writtenBefore) {
        unreflectedOps += ticket.operations;
        unreflectedRequests++;
      }
    }
    if (reading.requests !== undefined && reading.requests - unreflectedRequests < 2) return false;
    if (reading.executionSeconds === undefined) return true;
    if (this.secondsPerOperation === undefined) return this.inFlight.size === 0;
    const perOp = this.secondsPerOperation;
    if (perOp === 0) return true;
    // Half a batch more in hand: what a late send or a stale reading may cost, so the edge is never
    // crossed (a 429 stops everybody for at least a whole second).
    return reading.executionSeconds - (unreflectedOps + 1.5 * operations) * perOp >= 0;
  }

  private async probe(): Promise<void> {
    this.probing = true;
    this.probes++;
    try {
      await this.o.probe();
    } catch {
      // A failed probe still told the hints what it could (a 429's Retry-After included).
    } finally {
      this.probing = false;
      this.wake();
    }
  }

  /** Resolves true on the next answer or release, false after `ms`. */
  private waitChange(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (changed: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(changed);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
