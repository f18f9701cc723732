import { RunLeaseKeeper } from '../../src/engine/runLeaseKeeper';
import { systemClock } from '../../src/engine/systemClock';
import { openDatabase, type Db } from '../../src/store/database';
import { SqliteRunLeases } from '../../src/store/sqliteRunLeases';
import { tempDbFile } from './engineHarness';

// The keeper's side of a "Continue as me" handover (docs/engine.md, "State machine", the obo
// paragraph), on a real SQLite file: the replica that took the click holds the run at once; told of
// it, the old holder lets go.

let db: Db;
afterEach(() => db?.close());

function keeper(owner: string, lost: string[]): RunLeaseKeeper {
  return new RunLeaseKeeper(
    { leases: new SqliteRunLeases(db), owner, ttlMs: 600_000, heartbeatMs: 600_000, clock: systemClock },
    { candidates: async () => [], gained: () => undefined, lost: (runId) => lost.push(runId) },
  );
}

it('hands a held run over: the taker holds it with a newer fence, the old holder lets it go', async () => {
  db = openDatabase(tempDbFile());
  const lostByA: string[] = [];
  const a = keeper('replica-a', lostByA);
  const b = keeper('replica-b', []);
  expect(await a.take('run-1')).toEqual({});
  expect(await b.take('run-1')).toBeNull();

  await b.handOver('run-1');
  expect(b.writeFence('run-1')).toEqual({ owner: 'replica-b', epoch: 2 });
  // Told of it, A finds its lease gone and stops driving the run; a repeat changes nothing.
  await a.letGoIfTaken('run-1');
  await a.letGoIfTaken('run-1');
  expect(a.holds('run-1')).toBe(false);
  expect(lostByA).toEqual(['run-1']);
  // B, told of its own handover, keeps the run; a second click on B keeps its fence.
  await b.letGoIfTaken('run-1');
  await b.handOver('run-1');
  expect(b.writeFence('run-1')).toEqual({ owner: 'replica-b', epoch: 2 });
});
