import type { BudgetReading } from './serviceHints';

/**
 * Before the first round, what an operation costs the service is not known; the round may spend the
 * budget it finds as if each of its operations cost this much (execution seconds). A stamp (one
 * lookup column, `If-Match: *`) costs milliseconds [inferred: the record gives no figure]: if it
 * cost more, the round crosses the edge once and the 429s that follow cost a Retry-After, never a row.
 */
export const CAUTIOUS_SECONDS_PER_OPERATION = 0.05;

/**
 * The bootstrap's first round of batches, sent at once before the cost of an operation is known
 * (stampPacer.ts), and what it teaches: the drop in the execution time left across it, over its
 * operations. The drop is read from a reading sent after the round's last answer (a probe's), which
 * holds every batch of the round whenever the service counts them; the reading before the round
 * was received before its first batch went, so it holds none. A refill meanwhile only makes the
 * cost look cheaper, so the probe's own operation is left in the drop: the cost errs high.
 *
 * The round was a lone batch until it showed what it cost the start (docs/benchmarks.md, "Sixth
 * session"): a whole round trip with the rest of the round held back.
 */
export class FirstRound {
  /** Execution seconds one operation costs, once learned. */
  secondsPerOperation?: number;
  private before?: BudgetReading;
  private operations = 0;
  private out = 0;
  /** Closed by its first answer: nothing joins it after. */
  private answeredAt?: number;

  /** How many more operations may join the round now (Infinity before it starts: the first batch always goes). */
  room(): number {
    if (!this.before) return Infinity;
    if (this.answeredAt !== undefined) return 0;
    return Math.floor((this.before.executionSeconds ?? 0) / CAUTIOUS_SECONDS_PER_OPERATION) - this.operations;
  }

  /** A batch joins the round; `latest` is the reading before it (the round's start, for the first). */
  join(operations: number, latest: BudgetReading): void {
    this.before ??= latest;
    this.operations += operations;
    this.out++;
  }

  /** A batch of the round is answered (or given up). */
  answered(at: number): void {
    this.out--;
    this.answeredAt = at;
  }

  /** Every batch of the round is answered, and no reading yet was sent after the last. */
  get waitsForReading(): boolean {
    return this.secondsPerOperation === undefined && this.answeredAt !== undefined && this.out === 0;
  }

  /** Learns from `latest` when it was sent after the round's last answer. */
  learn(latest: BudgetReading | undefined): void {
    if (
      !this.waitsForReading ||
      latest?.executionSeconds === undefined ||
      this.before?.executionSeconds === undefined ||
      latest.sentAt < this.answeredAt!
    )
      return;
    this.secondsPerOperation = Math.max(
      0,
      (this.before.executionSeconds - latest.executionSeconds) / this.operations,
    );
  }
}
