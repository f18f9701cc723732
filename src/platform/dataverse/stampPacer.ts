import { ChangeSignal } from './changeSignal';
import { ClockMargin } from './clockMargin';
import { FirstRound } from './firstRound';
import { SentLog, type Sent } from './sentLog';
import type { BudgetReading, ServiceHints } from './serviceHints';

// Paces the bootstrap's `$batch` requests by what Dataverse says on its answers (serviceHints.ts):
//
// - at most `min(concurrency, x-ms-dop-hint)` in flight ("Send parallel requests": the hint is the
//   environment's recommended degree of parallelism);
// - a batch goes only while the execution time left, minus what the batches sent since that reading
//   will cost, covers it: the service's budget is spent up to its edge but not past it, so the
//   client waits a short probe interval instead of a 429's whole-second Retry-After. The service
//   admits a request while any time is left and counts what it ran afterwards, so one batch past
//   the edge is admitted, but every request after it (the probe included) is refused until the
//   window frees up: a batch goes only when it fits whole, with a few operations to spare for the
//   probe and the page read. The cost of one operation is learned from the first round (firstRound.ts),
//   sent at once within what the budget covers at a cautious cost;
// - the limits slide over a window (Dataverse: 300 s): with `windowMs` given, the time of a batch
//   is counted as back a window after the service may have counted it (when it was sent, plus its
//   answer's delay beyond the quickest), so a refill is used when it comes, not when a probe next
//   sees it (each late refill would shift every later window by as much); the budget is kept from
//   a probe's reading, sharp about every batch (see `waitCountingForward`, `anchor`);
// - a batch may be cut to the budget left (`acquire`'s `fewest`) when no time is due back within a
//   round trip: a window's last operations are spent instead of left over;
// - held back by the budget, a cheap read (`probe`, one at a time, an operation in the count) sees
//   the window free up;
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
  /**
   * The window the service's limits slide over (ms), when known: the execution time of a batch
   * comes back this long after it was admitted. Too long only costs speed; too short crosses the edge.
   */
  windowMs?: number;
  signal?: AbortSignal;
}

/** Operations kept in hand below the edge: the probe and the page read in flight, and rounding. */
const HEADROOM_OPERATIONS = 3;
/**
 * Counting forward, a probe renews the reading only with this much left by the count beyond the
 * headroom: one refused at the edge would stop every batch for a whole-second Retry-After.
 */
const PROBE_LEFT_OPERATIONS = 1;

interface Ticket {
  operations: number;
  /** When it went out (its HTTP attempt), undefined until then. */
  sentAt?: number;
  /** Its entry in the sent log (with `windowMs`). */
  sent?: Sent;
  /** When it was given its place. */
  placedAt: number;
  /** Part of the first round (sent before an operation's cost was known). */
  inFirstRound?: boolean;
}

export class StampPacer {
  private readonly inFlight = new Map<number, Ticket>();
  private nextId = 1;
  /** Learns the execution seconds one operation costs. */
  private readonly firstRound = new FirstRound();
  /** Round trip of a batch (ms, moving average): a quarter of it is the probe interval. */
  private roundTripMs = 200;
  private probing = false;
  /** Looks in a row that found no more than the count said (each waits twice as long). */
  private idleLooks = 0;
  /** When the last probe went (performance.now()). */
  private probedAt = -Infinity;
  private readonly clockMargin: ClockMargin;
  private readonly change = new ChangeSignal();
  /** Our batches and probes of the last two windows (only with `windowMs`). */
  private readonly sentLog?: SentLog;
  private readonly unsubscribe: () => void;
  peakInFlight = 0;
  probes = 0;

  constructor(private readonly o: StampPacerOptions) {
    if (o.windowMs !== undefined) this.sentLog = new SentLog(o.windowMs);
    this.clockMargin = new ClockMargin(o.hints);
    this.unsubscribe = o.hints.onChange(() => {
      this.firstRound.learn(o.hints.latest);
      this.change.notify();
    });
  }

  /**
   * Waits until a batch of `operations` may go, or of at least `fewest` when that is what the
   * budget holds and no time is due back within a round trip; resolves its ticket and how many
   * operations it may carry, or undefined once aborted.
   */
  async acquire(
    operations: number,
    fewest = operations,
  ): Promise<{ id: number; operations: number } | undefined> {
    for (;;) {
      if (this.o.signal?.aborted) return undefined;
      const pause = this.o.hints.throttledUntil - performance.now();
      if (pause > 0) {
        await this.change.wait(pause);
        continue;
      }
      const left = this.operationsLeft();
      const backAfter = this.nextTimeBack() - performance.now();
      const granted =
        left >= operations
          ? operations
          : left >= fewest && backAfter > this.roundTripMs
            ? Math.floor(left)
            : 0;
      // While a probe is out its reading is being written: a batch now would blur it.
      const probeOut = this.probing && this.forwardFrom() !== undefined;
      if (this.inFlight.size < this.limit() && granted > 0 && !probeOut) {
        operations = granted;
        const id = this.nextId++;
        const latest = this.o.hints.latest;
        const inFirstRound = this.secondsPerOperation === undefined && latest?.executionSeconds !== undefined;
        if (inFirstRound) this.firstRound.join(operations, latest);
        this.inFlight.set(id, { operations, placedAt: performance.now(), inFirstRound });
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight.size);
        return { id, operations };
      }
      if (this.secondsPerOperation === undefined && this.o.hints.latest?.executionSeconds !== undefined) {
        // The first round is out, or answered and waiting for a reading sent after it: a probe's.
        if (this.firstRound.waitsForReading && !this.probing) void this.probe();
        await this.change.wait(this.roundTripMs);
        continue;
      }
      const probeAfter = Math.max(2, Math.min(this.roundTripMs / 4, 4 * this.o.hints.minRoundTripMs));
      if (backAfter < probeAfter) {
        // An earlier batch's time comes back before a probe would look: wait for that instead.
        await this.change.wait(Math.max(1, backAfter));
        continue;
      }
      if (backAfter < Infinity) {
        await this.waitCountingForward(backAfter, probeAfter);
        continue;
      }
      // The budget is kept from a sharp reading: renew it a few times a window (a probe that
      // comes back without one is not repeated sooner).
      const renewAfter = (this.o.windowMs ?? Infinity) / 4;
      const sharp = this.o.hints.sharp;
      if (
        !this.probing &&
        performance.now() - this.probedAt > renewAfter &&
        (!sharp || performance.now() - sharp.receivedAt > renewAfter)
      )
        void this.probe();
      const changed = await this.change.wait(probeAfter);
      // Held back by the budget and no answer for a while: look whether the window freed up.
      if (!changed && this.inFlight.size < this.limit() && !this.probing) void this.probe();
    }
  }

  /**
   * Held back with the budget counted forward: waits for the next time back. A probe goes one at a
   * time, within the limit in flight and a margin after the last batch, and only: to renew the
   * reading a few times a window, with an operation left by the count; to replace a reading blurred
   * by a batch sent while it was written; or to look while the time back is more than a round trip
   * away, each look waiting twice as long as the last (the window may be shorter than we were told).
   */
  private async waitCountingForward(backAfter: number, probeAfter: number): Promise<void> {
    const windowMs = this.o.windowMs!;
    const lastProbe = Math.max(this.probedAt, this.o.hints.sharp?.receivedAt ?? -Infinity);
    const renewIn = windowMs / 4 - (performance.now() - lastProbe);
    const far = backAfter > this.roundTripMs;
    const lookAfter = Math.min(windowMs / 4, this.roundTripMs * 2 ** this.idleLooks);
    const mayProbe = () =>
      !this.probing &&
      this.inFlight.size < this.limit() &&
      performance.now() - this.sentLog!.lastAt > this.clockMargin.ms;
    if (renewIn <= 0 && mayProbe() && this.operationsLeft() >= PROBE_LEFT_OPERATIONS) void this.probe();
    const changed = await this.change.wait(
      Math.max(
        1,
        Math.min(
          backAfter,
          renewIn > 0 ? renewIn : this.clockMargin.ms,
          this.anchorBlurred() ? probeAfter : Infinity,
          far ? lookAfter - (performance.now() - this.probedAt) : Infinity,
        ),
      ),
    );
    if (changed || !mayProbe()) return;
    const look = far && performance.now() - this.probedAt >= lookAfter;
    if (look) {
      this.idleLooks++;
      void this.probe(this.operationsLeft());
    } else if (this.anchorBlurred()) void this.probe();
  }

  /** The batch's HTTP attempt went out (a retry moves it on: the service ran nothing of a 429). */
  sent(id: number, at: number): void {
    const ticket = this.inFlight.get(id);
    if (!ticket) return;
    ticket.sentAt = at;
    if (!this.sentLog) return;
    const retried = ticket.sent;
    ticket.sent = { at, operations: ticket.operations, countedBy: Infinity };
    this.sentLog.add(ticket.sent, retried);
  }

  /** The batch is answered (or given up): frees its place and learns from it. */
  release(id: number): void {
    const ticket = this.inFlight.get(id);
    if (!ticket) return;
    this.inFlight.delete(id);
    this.clockMargin.answered();
    const roundTrip = performance.now() - (ticket.sentAt ?? ticket.placedAt);
    this.roundTripMs = 0.8 * this.roundTripMs + 0.2 * roundTrip;
    if (ticket.sent) this.sentLog?.answered(ticket.sent, roundTrip);
    if (ticket.inFirstRound) this.firstRound.answered(performance.now());
    this.change.notify();
  }

  close(): void {
    this.unsubscribe();
    this.sentLog?.clear();
    this.change.notify();
  }

  private get secondsPerOperation(): number | undefined {
    return this.firstRound.secondsPerOperation;
  }

  private limit(): number {
    return Math.max(1, Math.min(this.o.concurrency, this.o.hints.dop ?? this.o.concurrency));
  }

  /** How many operations may go now by the budget (Infinity when it says nothing). */
  private operationsLeft(): number {
    const latest = this.o.hints.latest;
    if (!latest) return Infinity;
    // The service wrote a reading between its request reaching it and the answer leaving; when
    // the answer came says little (a busy client reads it late). A batch sent less than a margin
    // before the reading's request may not be in it: it counts against what the reading says is
    // left (twice, at worst, which only waits for a later reading).
    const margin = this.clockMargin.ms;
    let unreflectedOps = 0;
    let unreflectedRequests = 0;
    for (const ticket of this.inFlight.values()) {
      if (ticket.sentAt === undefined || ticket.sentAt >= latest.sentAt - margin) {
        unreflectedOps += ticket.operations;
        unreflectedRequests++;
      }
    }
    if (latest.requests !== undefined && latest.requests - unreflectedRequests < 2) return 0;
    if (latest.executionSeconds === undefined) return Infinity;
    if (this.secondsPerOperation === undefined) return this.firstRound.room();
    const perOp = this.secondsPerOperation;
    if (perOp === 0) return Infinity;
    const forward = this.forwardFrom();
    if (!forward) return latest.executionSeconds / perOp - unreflectedOps - HEADROOM_OPERATIONS;
    // With the window known the budget is kept from a sharp reading on: what it said, plus our
    // batches' time come back since, minus every batch sent since (answered or not). A batch's
    // answer is written long after it was sent, so its reading leaves unclear which of the batches
    // sent meanwhile it holds; a probe's does not.
    const { reading } = forward;
    let sentSince = this.sentLog!.sentSince(reading, margin);
    for (const ticket of this.inFlight.values())
      if (ticket.sentAt === undefined) sentSince += ticket.operations;
    return reading.executionSeconds! / perOp + this.backSince(forward) - sentSince - HEADROOM_OPERATIONS;
  }

  /** With the window known and the latest reading under a window old: the reading to count forward from. */
  private forwardFrom(): { reading: BudgetReading; windowMs: number } | undefined {
    const windowMs = this.o.windowMs;
    const latest = this.o.hints.latest;
    if (windowMs === undefined || !latest || performance.now() - latest.receivedAt >= windowMs)
      return undefined;
    return { reading: this.anchor(latest), windowMs };
  }

  /**
   * The reading the budget is kept from: a sharp one for half a window (probes renew it), else the
   * latest. A batch's reading is written long after its request went out, so it leaves unclear
   * which of the batches sent meanwhile it holds: every one of them counts against it.
   */
  private anchor(latest: BudgetReading): BudgetReading {
    const sharp = this.o.hints.sharp;
    return sharp?.executionSeconds !== undefined &&
      performance.now() - sharp.receivedAt < this.o.windowMs! / 2
      ? sharp
      : latest;
  }

  /** Whether a batch went out while the reading the budget is kept from was being written. */
  private anchorBlurred(): boolean {
    const forward = this.forwardFrom();
    if (!forward) return false;
    const { reading } = forward;
    if (reading !== this.o.hints.sharp) return true;
    return this.sentLog!.blurs(reading, this.clockMargin.ms);
  }

  /**
   * Operations of our own batches whose time has come back since the reading was written: sent
   * after the reading's window began (so still counted in it) and counted more than a window and
   * `ClockMargin.returnMs` ago, so out of the service's window now. None when the reading says
   * nothing is left: it is never below 0, so it hides how far past the edge the last batch went.
   */
  private backSince({ reading, windowMs }: { reading: BudgetReading; windowMs: number }): number {
    if ((reading.executionSeconds ?? 0) <= 0) return 0;
    return this.sentLog!.backSince(reading, performance.now() - windowMs - this.clockMargin.returnMs);
  }

  /** When the next of our batches' time is due back beyond the reading (Infinity: none known). */
  private nextTimeBack(): number {
    const forward = this.forwardFrom();
    // A reading of nothing left may hide a deficit, and one over a window old says nothing of the
    // batches sent since: only a probe tells when the window is back.
    if (!forward || (forward.reading.executionSeconds ?? 0) <= 0 || this.secondsPerOperation === undefined)
      return Infinity;
    const { reading, windowMs } = forward;
    const margin = this.clockMargin.returnMs;
    return this.sentLog!.nextCountedBy(reading, performance.now() - windowMs - margin) + windowMs + margin;
  }

  /** `looking`: what the count says is left; a look that finds more starts the looks over. */
  private async probe(looking?: number): Promise<void> {
    this.probing = true;
    this.probes++;
    this.probedAt = performance.now();
    // A probe costs an operation too: in the count as a batch of one, back a window after it.
    const sent: Sent = { at: this.probedAt, operations: 1, countedBy: Infinity, probe: true };
    this.sentLog?.add(sent);
    try {
      await this.o.probe();
    } catch {
      // A failed probe still told the hints what it could (a 429's Retry-After included).
    } finally {
      this.sentLog?.answered(sent, performance.now() - sent.at);
      this.probing = false;
      if (looking !== undefined && this.operationsLeft() > looking + 1) this.idleLooks = 0;
      this.change.notify();
    }
  }
}
