import { STEP_NEEDS } from '../../src/engine/scenarios/stepNeeds';
import type { StepKind } from '../../src/engine/model';
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
 * at 25 planned points (every step, several inside bootstrap and initial sync) and restarted each
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
  // Right after the first solution is recorded, while the second (Finance, which publishes maps) is
  // posted: the resumed step goes on from the first solution not applied. (A kill between the post
  // and the record of an HR solution, which publishes no map the catalog knows, applies that one
  // again: the window stated in docs/reliability.md.)
  ['applySolution', 2],
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
/** The plan's order (needs point only backwards in it). */
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

/** Whether a `later` step waits (directly or not) for the `kind` step of this plan. */
function dependsOn(later: string, kind: string, order: string[], seen = new Set<string>()): boolean {
  if (seen.has(later) || order.indexOf(later) <= order.indexOf(kind)) return false;
  seen.add(later);
  const needs = (STEP_NEEDS[later as StepKind] ?? []).filter((n) => order.indexOf(n) < order.indexOf(later));
  return needs.includes(kind as StepKind) || needs.some((need) => dependsOn(need, kind, order, seen));
}

interface ChildOutcome {
  killedAt?: string;
  done: boolean;
  lines: string[];
}

function runChild(
  emulatorUrl: string,
  file: string,
  target?: [string, number],
  variant?: { name: 'unified'; order: string[] },
): Promise<ChildOutcome> {
  const order = variant?.order ?? ORDER;
  return new Promise((resolve, reject) => {
    // One process (node with the tsx loader), so SIGKILL hits the engine itself, not a wrapper.
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'crashChild.ts'),
        emulatorUrl,
        file,
        ...(variant ? [variant.name] : []),
      ],
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
        const match = /^EVENT \S+ (\d+) (\S+) ?(\S*)/.exec(line);
        if (!match || !target || killedAt) continue;
        const [kind, nth] = target;
        if (match[2] === kind) seen++;
        // Or past it: a step that needs it is at work (approvals are asked early, so only running counts).
        const later = match[2] === 'done' || (dependsOn(match[2], kind, order) && match[3] === 'running');
        if ((match[2] === kind && seen >= nth) || later) {
          killedAt = `${kind}#${nth} (at ${match[2]}, event ${lines.length})`;
          // Sometimes right after the commit, sometimes a moment later while the step acts on it.
          setTimeout(() => child.kill('SIGKILL'), lines.length % 3 === 0 ? 0 : lines.length % 7);
        }
      }
      // Done before its kill point (steps run side by side, so a run can finish sooner): stop it too.
      if (done) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ killedAt, done, lines });
    });
  });
}

describe('crash safety (SIGKILL at 25 points of a new-existing run)', () => {
  let emu: RunningEmulator;
  let dir: string;
  // An emulator per case: the effect counts are the case's own, whichever ran first.
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-crash-'));
    emu = await startRigEmulator(dir);
  });
  afterEach(async () => emu?.close());

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
    // Core, application core, finance, HR common, HR, supply chain: each installed once.
    expect(state.effects.byKind['pp.package.install']).toBe(6);
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
  }, 300_000);

  it('a unified run (F&O from the Power Platform, demo data) killed at 12 points: done, every effect once', async () => {
    const order = [
      'provisionFinanceOps',
      'installDualWriteSolutions',
      'checkPrerequisites',
      'linkEnvironments',
      'applySolution',
      'enableEntityMaps',
      'initialSync',
      'verifySetup',
    ];
    const plan: Array<[string, number]> = [
      ['provisionFinanceOps', 1],
      ['provisionFinanceOps', 2],
      ['installDualWriteSolutions', 1],
      ['installDualWriteSolutions', 2],
      ['checkPrerequisites', 1],
      ['linkEnvironments', 1],
      ['applySolution', 1],
      ['enableEntityMaps', 1],
      ['enableEntityMaps', 3],
      ['initialSync', 1],
      ['initialSync', 3],
      ['verifySetup', 1],
    ];
    const variant = { name: 'unified' as const, order };
    const file = path.join(dir, 'runs-unified.sqlite');
    const before = (await emulatorState(emu.url)).effects.bySubject;
    const kills: string[] = [];
    for (const target of plan) {
      const outcome = await runChild(emu.url, file, target, variant);
      if (outcome.done) break;
      expect(outcome.lines.filter((l) => l.startsWith('CRASH') || l.startsWith('REFUSED'))).toEqual([]);
      if (outcome.killedAt) kills.push(outcome.killedAt);
    }
    const final = await runChild(emu.url, file, undefined, variant);
    expect(final.lines.filter((l) => l.startsWith('FAILED'))).toEqual([]);
    expect(final.done).toBe(true);
    expect(kills.length).toBeGreaterThanOrEqual(8);

    const state = await emulatorState(emu.url);
    const added = Object.entries(state.effects.bySubject)
      .map(([subject, count]) => [subject, count - (before[subject] ?? 0)] as const)
      .filter(([, count]) => count > 0);
    const twice = added.filter(
      ([subject, count]) =>
        count > 1 && !subject.startsWith('sync.') && !subject.startsWith('dv.solution.install'),
    );
    expect(twice).toEqual([]);
    const once = (prefix: string) => added.filter(([subject]) => subject.startsWith(prefix)).length;
    expect(once('pp.unified.create')).toBe(1);
    expect(once('unified.financeOps.ready')).toBe(1);
    expect(once('lcs.deploy')).toBe(0);
    console.log(`crash test (unified): ${kills.length} kills: ${kills.join(', ')}`);
  }, 300_000);
});
