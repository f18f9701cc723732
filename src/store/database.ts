import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

// Opens the bot's SQLite file (WAL, so readers never wait on the executor's writes) and applies the
// schema migrations each store declares. Synchronous on purpose: better-sqlite3 transactions are the
// unit of durability for "every transition is written before it is acted on".

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  return db;
}

/** Applies a named migration once (idempotent across restarts). */
export function migrate(db: Db, name: string, sql: string): void {
  const done = db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(name);
  if (done) return;
  db.transaction(() => {
    db.exec(sql);
    db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
      name,
      new Date().toISOString(),
    );
  })();
}
