import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSetupEngine, type SetupEngine, type SetupEngineOptions } from '../../src/engine/setupEngine';
import type { Clock, Platform } from '../../src/engine/ports';
import type { EngineApi } from '../../src/engine/engineApi';
import { openDatabase, type Db } from '../../src/store/database';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';

/** An engine over a fresh SQLite file in a temp dir. */
export interface Harness {
  engine: SetupEngine;
  store: SqliteRunStore;
  db: Db;
  file: string;
  close(): Promise<void>;
}

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'engine-')), 'runs.sqlite');
}

export function createHarness(
  platform: Platform,
  clock: Clock,
  overrides: Partial<SetupEngineOptions> = {},
  file = tempDbFile(),
): Harness {
  const db = openDatabase(file);
  const store = new SqliteRunStore(db);
  const engine = createSetupEngine({
    platform,
    store,
    clock,
    approvalTimeoutMs: 24 * 3600_000,
    approvalReminderMs: 3600_000,
    fourEyes: true,
    pollIntervalMs: 10,
    retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 5000 },
    ...overrides,
  });
  return {
    engine,
    store,
    db,
    file,
    async close() {
      await engine.close();
      db.close();
    },
  };
}

export const alice = { id: 'alice', name: 'Alice' };

/** A new-existing setup of the fake platform's Contoso, with one map in its initial sync. */
export const newExistingInput = {
  scenario: 'new-existing',
  financeOpsName: 'fo-test',
  dataverseUrl: 'https://contoso.crm.fake',
  companyCode: 'ctso',
  companyName: 'Contoso',
  initialSyncEntities: ['Customers V3'],
};
export const bob = { id: 'bob', name: 'Bob' };

/** A Review of `input` as the bot's Review button makes it: the token its plan card carries to Start. */
export async function reviewed(engine: Pick<EngineApi, 'preview'>, input: unknown): Promise<string> {
  const preview = await engine.preview(input);
  if (!preview.reviewToken) throw new Error(`the plan cannot start: ${JSON.stringify(preview.findings)}`);
  return preview.reviewToken;
}
