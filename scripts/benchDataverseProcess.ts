/**
 * The emulated Dataverse of `bench:bootstrap`, in a process of its own: like the real service, its
 * work (parsing batches, SQLite, JSON) runs beside the client's, not on the client's event loop,
 * where it would hold up the answers the client paces itself by. Started with `fork` by the bench:
 * argv[2] the settings (JSON), argv[3] the SQLite file; it sends `{ port }` once listening, then
 * answers `{ id, method, args }` messages (store reads and writes, stats, a reset of the limits)
 * with `{ id, result }`, and exits when the bench disconnects.
 */
import Database from 'better-sqlite3';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createDataverseSettings } from '../src/emulator/dataverse/dataverseSettings';
import { DataverseStore } from '../src/emulator/dataverse/dataverseStore';
import { createDataverseStats, dataverseRouter } from '../src/emulator/dataverse/dataverseRouter';
import { ServiceProtection } from '../src/emulator/dataverse/serviceProtection';

const settings = createDataverseSettings(JSON.parse(process.argv[2]));
const db = new Database(process.argv[3]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const store = new DataverseStore(db);
const stats = createDataverseStats();
const protection = new ServiceProtection(settings);
const app = express();
app.use('/orgs/:org', dataverseRouter(store, settings, { stats, protection }));

const handlers: Record<string, (...args: never[]) => unknown> = {
  seedExisting: (org: string, counts: { accounts: number; contacts: number }) =>
    store.seedExisting(org, counts),
  insert: (org: string, set: string, record: Record<string, unknown>) => store.insert(org, set, record),
  keys: (org: string, set: string, key: string) => store.list(org, set).map((r) => String(r[key])),
  stampCounts: (org: string, set: string) => store.stampCounts(org, set),
  count: (org: string, set: string) => store.count(org, set),
  countWhere: (org: string, set: string, sql: string) => store.countRecords(org, set, { sql, params: [] }),
  stats: () => stats,
  resetLimits: () => protection.reset(),
};

const server = app.listen(0, '127.0.0.1', () =>
  process.send?.({ port: (server.address() as AddressInfo).port }),
);
process.on('message', (message: { id: number; method: string; args: never[] }) => {
  const result = handlers[message.method](...message.args);
  process.send?.({ id: message.id, result });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  db.close();
  process.exit(0);
});
