import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index';
import { openDatabase } from '../../src/store/database';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';
import { emulatorState, startRigEmulator } from './emulatorRig';

/**
 * Crash safety: the engine runs a new-existing setup in a child process that is killed with SIGKILL
 * at 24 planned points (every step, several inside bootstrap and initial sync) and restarted each
 * time. The emulator lives in this process, so it survives the kills and its effects log shows
 * whether anything was applied twice.
 */
const KILL_PLAN: Array<[kind: string, nthEvent: number]> = [
  ['provisionFinanceOps', 1],
  ['provisionFinanceOps', 2],
  ['installDualWriteSolutions', 1],
  ['installDualWriteSolutions', 2],
  ['installDualWriteSolutions', 4],
  ['checkPrerequisites', 1],
  ['linkEnvironments', 1],
  ['applySolution', 1],
  ['enableEntityMaps', 1],
  ['enableEntityMaps', 3],
  ['enableEntityMaps', 5],
  ['createCompany', 1],
  ['addCompanyToConnection', 1],
  ['bootstrapCompanyData', 1],
  ['bootstrapCompanyData', 2],
  ['bootstrapCompanyData', 3],
  ['bootstrapCompanyData', 4],
  ['bootstrapCompanyData', 5],
  ['initialSync', 1],
  ['initialSync', 2],
  ['initialSync', 3],
  ['initialSync', 5],
  ['initialSync', 7],
  ['verifySetup', 1],
];
const ORDER = [
  'provisionFinanceOps',
  'installDualWriteSolutions',
  'checkPrerequisites',
  'linkEnvironments',
  'applySolution',
  'enableEntityMaps',
  'createCompany',
  'addCompanyToConnection',
  'bootstrapCompanyData',
  'initialSync',
  'verifySetup',
];

interface ChildOutcome {
  killedAt?: string;
  done: boolean;
  lines: string[];
}

function runChild(emulatorUrl: string, file: string, target?: [string, number]): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    // One process (node with the tsx loader), so SIGKILL hits the engine itself, not a wrapper.
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'crashChild.ts'), emulatorUrl, file],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    let seen = 0;
    let killedAt: string | undefined;
    let done = false;
    let buffer = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith('DONE')) done = true;
        const match = /^EVENT \S+ (\d+) (\S+)/.exec(line);
        if (!match || !target || killedAt) continue;
        const [kind, nth] = target;
        const index = Number(match[1]);
        if (match[2] === kind) seen++;
        if ((match[2] === kind && seen >= nth) || index > ORDER.indexOf(kind)) {
          killedAt = `${kind}#${nth} (at ${match[2]}, event ${lines.length})`;
          // Sometimes right after the commit, sometimes a moment later while the step acts on it.
          setTimeout(() => child.kill('SIGKILL'), lines.length % 3 === 0 ? 0 : lines.length % 7);
        }
      }
      if (done && !target) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ killedAt, done, lines });
    });
  });
}

describe('crash safety (SIGKILL at 24 points of a new-existing run)', () => {
  let emu: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-crash-'));
    emu = await startRigEmulator(dir);
  });
  afterAll(async () => emu?.close());

  it('completes and applies every effect exactly once', async () => {
    const file = path.join(dir, 'runs.sqlite');
    const kills: string[] = [];
    for (const target of KILL_PLAN) {
      const outcome = await runChild(emu.url, file, target);
      if (outcome.done) break;
      expect(outcome.lines.filter((l) => l.startsWith('CRASH') || l.startsWith('REFUSED'))).toEqual([]);
      if (outcome.killedAt) kills.push(outcome.killedAt);
    }
    const final = await runChild(emu.url, file);
    expect(final.lines.filter((l) => l.startsWith('FAILED'))).toEqual([]);
    expect(final.done).toBe(true);
    expect(kills.length).toBeGreaterThanOrEqual(20);

    const db = openDatabase(file);
    const store = new SqliteRunStore(db);
    const [run] = await store.list();
    expect(run.status).toBe('succeeded');
    expect(await store.list()).toHaveLength(1);
    db.close();

    const state = await emulatorState(emu.url);
    const subjects = state.effects.bySubject;
    const twice = Object.entries(subjects).filter(
      ([subject, count]) =>
        count > 1 && !subject.startsWith('sync.') && !subject.startsWith('dv.solution.install'),
    );
    expect(twice).toEqual([]);
    expect(state.effects.byKind['lcs.deploy']).toBe(1);
    expect(state.effects.byKind['fo.legalEntity.create']).toBe(1);
    expect(state.effects.byKind['gw.connection.create']).toBe(1);
    expect(state.effects.byKind['gw.legalEntity.add']).toBe(1);
    expect(state.effects.byKind['gw.map.start']).toBe(21);
    expect(state.effects.byKind['gw.initialSync.run']).toBe(7);
    expect(state.effects.byKind['pp.package.install']).toBe(4);
    // No row stamped twice: the Dataverse part counts every company-lookup write per row.
    const emulatorDb = new Database(path.join(dir, 'emulator.sqlite'), { readonly: true });
    const stamps = emulatorDb
      .prepare(
        "SELECT COUNT(*) AS rows, COALESCE(SUM(stamps > 1), 0) AS twice FROM dv_stamps WHERE org = 'contoso'",
      )
      .get() as { rows: number; twice: number };
    emulatorDb.close();
    expect(stamps.twice).toBe(0);
    expect(stamps.rows).toBe(300);
    console.log(`crash test: ${kills.length} kills: ${kills.join(', ')}`);
  }, 170_000);
});
