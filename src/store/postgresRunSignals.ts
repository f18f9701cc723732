// Run signals through PostgreSQL LISTEN/NOTIFY: a command recorded on one replica reaches the
// replica holding the run's lease at once, without polling. One dedicated connection listens; if it
// drops, it reconnects (the executor's periodic lease sweep covers anything missed meanwhile).
import { Client, type Pool } from 'pg';
import type { RunSignals } from '../engine/runLeasePort';

const CHANNEL = 'dwbot_run';

export class PostgresRunSignals implements RunSignals {
  private readonly listeners = new Set<(runId: string) => void>();
  private client: Client | undefined;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly connect: () => Client,
  ) {}

  /** `connect` builds a client with the pool's settings (a LISTEN needs its own connection). */
  static async open(pool: Pool, connect: () => Client): Promise<PostgresRunSignals> {
    const signals = new PostgresRunSignals(pool, connect);
    await signals.subscribe();
    return signals;
  }

  async notify(runId: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, runId]);
  }

  listen(listener: (runId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.client?.end().catch(() => undefined);
  }

  private async subscribe(): Promise<void> {
    const client = this.connect();
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      for (const listener of this.listeners) listener(message.payload);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private reconnect(dead: Client): void {
    if (this.closed || this.client !== dead) return;
    this.client = undefined;
    const retry = () => {
      if (this.closed) return;
      this.subscribe().catch(() => setTimeout(retry, 1000).unref());
    };
    setTimeout(retry, 200).unref();
  }
}
