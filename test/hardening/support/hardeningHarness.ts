import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { startBot, type StartOptions } from '../../../src/index';
import { LocalConnector } from '../../support/localConnector';
import { TeamsClient } from '../../support/teamsClient';
import type { Harness } from '../../support/botHarness';

/**
 * The whole bot as the shared harness starts it, but with every log line captured (pino at the
 * level asked, written to memory) and a look into the bot's SQLite store, so a test can prove what
 * did not happen: no state change, no secret written.
 */
export interface LoggedHarness extends Harness {
  logs: string[];
  /** Everything the bot's store holds that a request could change, as one comparable string. */
  storeSnapshot(): string;
}

export async function startLoggedHarness(
  env: Record<string, string> = {},
  level = 'trace',
  extra: {
    start?: Pick<StartOptions, 'botAuthentication' | 'trustedOrigins'>;
    /** The Authorization header of the client's requests (BOT_ID set); `serviceUrl` is the connector's. */
    authorization?: (serviceUrl: string) => string | undefined;
  } = {},
): Promise<LoggedHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-hard-'));
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    DATA_DIR: dir,
    EMULATOR_TIME_SCALE: '0.002',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void logs.push(line) });
  const connector = await new LocalConnector().start();
  const bot = await startBot(config, {
    logger,
    queue: { updateIntervalMs: 100, baseDelayMs: 20 },
    engine: { pollIntervalMs: 25 },
    ...extra.start,
  });
  const reader = new Database(path.join(dir, 'bot.sqlite'), { readonly: true, fileMustExist: true });
  return {
    bot,
    connector,
    client: new TeamsClient(
      bot.url,
      connector.url,
      extra.authorization ? () => extra.authorization?.(connector.url) : undefined,
    ),
    dataDir: dir,
    logs,
    storeSnapshot: () => snapshotStore(reader),
    async close() {
      reader.close();
      await bot.close();
      await connector.stop();
    },
  };
}

/** Runs (id, rev, status), audit entries, conversation references and posted messages. */
export function snapshotStore(db: Database.Database): string {
  const all = (sql: string) => db.prepare(sql).all();
  return JSON.stringify({
    runs: all('SELECT id, rev, status FROM runs ORDER BY id'),
    audit: all('SELECT run_id, action, step_id, actor FROM run_audit ORDER BY seq'),
    conversations: all('SELECT conversation_id, reference FROM conversations ORDER BY conversation_id'),
    messages: all(
      'SELECT run_id, kind, step_id, activity_id FROM run_messages ORDER BY run_id, kind, step_id',
    ),
  });
}
