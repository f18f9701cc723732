import Database from 'better-sqlite3';
import express from 'express';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createDataverseSettings,
  type DataverseSettings,
} from '../../../src/emulator/dataverse/dataverseSettings';
import { DataverseStore } from '../../../src/emulator/dataverse/dataverseStore';
import {
  createDataverseStats,
  dataverseRouter,
  type DataverseStats,
} from '../../../src/emulator/dataverse/dataverseRouter';
import { ServiceProtection } from '../../../src/emulator/dataverse/serviceProtection';

/**
 * Just the Dataverse router in an Express app on 127.0.0.1:0 with a temp SQLite file, the way the
 * emulator shell mounts it. Tests change `settings` fields per test.
 */
export interface EmulatedDataverse {
  baseUrl: string;
  orgUrl(org: string): string;
  store: DataverseStore;
  settings: DataverseSettings;
  stats: DataverseStats;
  protection: ServiceProtection;
  close(): Promise<void>;
}

/** Fast defaults for tests: no latency, no execution time, limits out of the way. */
export const FAST: Partial<DataverseSettings> = { roundTripMs: 0, executionMsPerOperation: 0 };

export async function startEmulatedDataverse(
  overrides: Partial<DataverseSettings> = FAST,
): Promise<EmulatedDataverse> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-test-'));
  const db = new Database(path.join(dir, 'emulator.sqlite'));
  db.pragma('journal_mode = WAL');
  const store = new DataverseStore(db);
  const settings = createDataverseSettings(overrides);
  const stats = createDataverseStats();
  const protection = new ServiceProtection(settings);
  const app = express();
  app.use('/orgs/:org', dataverseRouter(store, settings, { stats, protection }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    orgUrl: (org) => `${baseUrl}/orgs/${org}`,
    store,
    settings,
    stats,
    protection,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
