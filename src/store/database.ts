import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

// Opens the bot's SQLite file (WAL, so readers never wait on the executor's writes) and applies the
// schema migrations each store declares. Synchronous on purpose: better-sqlite3 transactions are the
// unit of durability for "every transition is written before it is acted on".

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') preparePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') restrictToOwner(file);
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  cacheStatements(db);
  return db;
}

/**
 * better-sqlite3 compiles the SQL on every `prepare()`; the stores prepare their statements where
 * they use them, on every call (a run update, a send reservation). The compiled statement is kept
 * per SQL text instead (the texts are constants, so the cache is bounded by the code).
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (!statement) {
      statement = compile(sql);
      compiled.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
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

/**
 * Runs, audit trails, conversation references (and the emulator's data) are for this process only:
 * the folder 0700, the file 0600, created so before SQLite opens it. SQLite gives the -wal and -shm
 * files the database file's permissions; existing ones are tightened too. A shared folder (sticky
 * bit, as /tmp) keeps its mode: closing it would lock every other user and program out of it (as
 * root the chmod succeeds), and the files' own 0600 already keep ours private.
 */
const STICKY = 0o1000;

function preparePrivateFile(file: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    if ((fs.statSync(dir).mode & STICKY) === 0) fs.chmodSync(dir, 0o700);
  } catch {
    // A folder this user does not own (e.g. a shared mount): the files' own modes still hold.
  }
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  restrictToOwner(file);
}

function restrictToOwner(file: string): void {
  for (const name of [file, `${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(name)) fs.chmodSync(name, 0o600);
  }
}
