// One pass of `work` per key at a time: calls that come while a pass runs merge into one more pass
// with their latest value, and each call resolves once a pass that saw its value has ended. The
// notifier refreshes a run's cards this way: a run changes many times a second while its steps run
// side by side, and each refresh reads the run's messages from the store first; without merging,
// those reads (two per change, on every replica's store) outnumbered the sends they led to.

interface Pass<T> {
  value: T;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

function pass<T>(value: T): Pass<T> {
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  return { value, done, settle };
}

export class LatestPerKey<T> {
  private readonly queued = new Map<string, Pass<T> | null>();

  constructor(
    private readonly work: (value: T) => Promise<void>,
    /** The value the next pass takes when a second call comes before it starts. */
    private readonly merge: (queued: T, later: T) => T,
    /**
     * After a pass the key stays taken this long, so calls in that time merge into one more pass at
     * its end; a call to a quiet key still starts its pass at once.
     */
    private readonly gapMs = 0,
  ) {}

  run(key: string, value: T): Promise<void> {
    if (this.queued.has(key)) {
      const next = this.queued.get(key);
      if (next) {
        next.value = this.merge(next.value, value);
        return next.done;
      }
      const created = pass(value);
      this.queued.set(key, created);
      return created.done;
    }
    const first = pass(value);
    this.queued.set(key, null);
    void this.drain(key, first);
    return first.done;
  }

  private async drain(key: string, first: Pass<T>): Promise<void> {
    let current: Pass<T> | null = first;
    while (current) {
      try {
        await this.work(current.value);
        current.settle();
      } catch (error) {
        current.settle(error ?? new Error('refresh failed'));
      }
      if (this.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, this.gapMs));
      current = this.queued.get(key) ?? null;
      if (current) this.queued.set(key, null);
      else this.queued.delete(key);
    }
  }
}
