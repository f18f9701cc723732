// The hand-over between the bootstrap's page reader and its stamping workers.

/**
 * Chunks handed from the page reader to the workers; `take` waits, and yields undefined once closed
 * and empty. `push` waits while `capacity` chunks are already queued: the reader stays about a page
 * ahead of the workers instead of reading every page at the start, where its requests (and, on the
 * emulator, its queries) compete with the first stamps for the same window.
 */
export class ChunkQueue {
  private readonly chunks: string[][] = [];
  private readonly waiting: Array<(chunk: string[] | undefined) => void> = [];
  private readonly pushers: Array<() => void> = [];
  private closed = false;
  /** Rows in the queued chunks. */
  private rows = 0;

  constructor(private readonly capacity = Infinity) {}

  get size(): number {
    return this.chunks.length;
  }

  async push(chunk: string[]): Promise<void> {
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter(chunk);
      return;
    }
    while (this.chunks.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.pushers.push(resolve));
    }
    this.chunks.push(chunk);
    this.rows += chunk.length;
  }

  /** Puts a chunk back at the front (the rows a budget-sized batch left over). */
  putBack(chunk: string[]): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(chunk);
    else {
      this.chunks.unshift(chunk);
      this.rows += chunk.length;
    }
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
    for (const pusher of this.pushers.splice(0)) pusher();
  }

  /**
   * The next chunk. Once closed, with `ways` given, at most a `ways`-th of the rows left: a pass
   * lasts as long as its slowest batch, so its last rows are shared out among the workers instead
   * of going as whole chunks behind one another (the rest goes back first in line).
   */
  take(ways?: number): Promise<string[] | undefined> {
    if (this.chunks.length > 0) {
      let chunk = this.chunks.shift()!;
      this.pushers.shift()?.();
      const share = this.closed && ways ? Math.ceil(this.rows / ways) : chunk.length;
      this.rows -= chunk.length;
      if (chunk.length > share) {
        this.putBack(chunk.slice(share));
        chunk = chunk.slice(0, share);
      }
      return Promise.resolve(chunk);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
