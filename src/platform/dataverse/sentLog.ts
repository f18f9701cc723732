import type { BudgetReading } from './serviceHints';

/** A request of ours as sent (a batch, or a probe of one operation), kept to expect its time back. */
export interface Sent {
  /** When its HTTP attempt went out. */
  at: number;
  operations: number;
  /**
   * The latest the service may have counted it: its answer's delay beyond the quickest answer to
   * a request of its size, after it went out (a queue on the way, or in the service, shows there).
   * Infinity until answered.
   */
  countedBy: number;
  /** How long its answer took (ms), once answered. */
  roundTripMs?: number;
  /** A probe's: probes go one at a time, so it is in every reading of a later one. */
  probe?: boolean;
}

/**
 * Our requests of the last two windows of the service's limits, oldest first: what the bootstrap's
 * budget count (stampPacer.ts) needs to know of them against a reading of the budget left.
 */
export class SentLog {
  private readonly entries: Sent[] = [];
  /** The quickest answer (ms) by request size (probes apart). */
  private readonly quickest = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Logs a request; `replaces` is a retried attempt's entry (a 429 ran nothing), moved on. */
  add(entry: Sent, replaces?: Sent): void {
    const first = replaces ? this.entries.indexOf(replaces) : -1;
    if (first !== -1) this.entries.splice(first, 1);
    this.entries.push(entry);
    // Older than two windows, a request is out of any reading that is still counted forward.
    while (this.entries[0].at <= entry.at - 2 * this.windowMs) this.entries.shift();
  }

  /**
   * Its answer came after `roundTripMs`: what of that exceeds the quickest of its size sets
   * `countedBy`. A quicker answer than any before moves every answered one of its size later: the
   * first round's answers are all slow together (the service works through its batches at once), so
   * the quickest of them is no measure of the way there.
   */
  answered(sent: Sent, roundTripMs: number): void {
    const size = sizeOf(sent);
    sent.roundTripMs = roundTripMs;
    const before = this.quickest.get(size) ?? Infinity;
    if (roundTripMs < before) {
      this.quickest.set(size, roundTripMs);
      for (const other of this.entries)
        if (other.roundTripMs !== undefined && sizeOf(other) === size)
          other.countedBy = other.at + other.roundTripMs - roundTripMs;
    }
    sent.countedBy = sent.at + roundTripMs - Math.min(before, roundTripMs);
  }

  /** When the last request went out (-Infinity: none). */
  get lastAt(): number {
    return this.entries[this.entries.length - 1]?.at ?? -Infinity;
  }

  clear(): void {
    this.entries.length = 0;
  }

  /**
   * Operations sent since the reading: a batch sent less than `margin` before its request may not
   * be in it (it counts against it, twice at worst, which only waits for a later reading); a probe
   * is in every reading of a request sent after it.
   */
  sentSince(reading: BudgetReading, margin: number): number {
    let operations = 0;
    for (const sent of this.entries)
      if (sent.probe ? sent.at > reading.sentAt : sent.at >= reading.sentAt - margin)
        operations += sent.operations;
    return operations;
  }

  /** Whether a batch went out while the reading was being written: which of them it holds is unclear. */
  blurs(reading: BudgetReading, margin: number): boolean {
    return this.entries.some(
      (sent) => !sent.probe && sent.at >= reading.sentAt - margin && sent.at <= reading.receivedAt,
    );
  }

  /**
   * Operations whose time has come back since the reading was written: sent after the reading's
   * window began (so still counted in it) and counted by `dueBy` (a window and a margin ago).
   */
  backSince(reading: BudgetReading, dueBy: number): number {
    let back = 0;
    for (const sent of this.entries) {
      if (sent.at > dueBy) break;
      if (sent.countedBy <= dueBy && sent.at > reading.receivedAt - this.windowMs) back += sent.operations;
    }
    return back;
  }

  /** The earliest `countedBy` still to come back (after `dueBy`) of those in the reading. */
  nextCountedBy(reading: BudgetReading, dueBy: number): number {
    let next = Infinity;
    for (const sent of this.entries)
      if (sent.countedBy > dueBy && sent.at > reading.receivedAt - this.windowMs)
        next = Math.min(next, sent.countedBy);
    return next;
  }
}

function sizeOf(sent: Sent): string {
  return sent.probe ? 'probe' : String(sent.operations);
}
