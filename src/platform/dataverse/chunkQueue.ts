// The hand-over between the bootstrap's page reader and its stamping workers.

/** Chunks handed from the page reader to the workers; `take` waits, and yields undefined once closed and empty. */
export class ChunkQueue {
  private readonly chunks: string[][] = [];
  private readonly waiting: Array<(chunk: string[] | undefined) => void> = [];
  private closed = false;

  push(chunk: string[]): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(chunk);
    else this.chunks.push(chunk);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }

  take(): Promise<string[] | undefined> {
    if (this.chunks.length > 0) return Promise.resolve(this.chunks.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
