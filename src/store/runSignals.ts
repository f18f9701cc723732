// "Run X has news", delivered to every replica that listens. In-process for the embedded SQLite
// store (one process); PostgreSQL's LISTEN/NOTIFY in production (postgresRunSignals.ts).
import { EventEmitter } from 'node:events';
import type { RunSignals } from '../engine/runLeasePort';

export class InProcessRunSignals implements RunSignals {
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  async notify(runId: string): Promise<void> {
    // Asynchronous like NOTIFY: the listener never runs inside the notifier's call.
    setImmediate(() => this.events.emit('run', runId));
  }

  listen(listener: (runId: string) => void): () => void {
    this.events.on('run', listener);
    return () => this.events.off('run', listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
