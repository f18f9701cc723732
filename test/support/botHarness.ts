import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startBot, type RunningBot } from '../../src/index';
import { botTokenCheck, channelToken } from './botConnectorAuth';
import { LocalConnector, cardOf, type RecordedActivity } from './localConnector';
import { TeamsClient } from './teamsClient';

/**
 * The whole bot as `npm start` runs it (HTTP server, teams-ai app, engine, SQLite store, embedded
 * emulator) on free loopback ports, plus a local connector that records what the bot sends.
 */
export interface Harness {
  bot: RunningBot;
  connector: LocalConnector;
  client: TeamsClient;
  dataDir: string;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, dataDir?: string): Promise<Harness> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-'));
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    DATA_DIR: dir,
    EMULATOR_TIME_SCALE: '0.0002',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const connector = await new LocalConnector().start();
  const bot = await startBot(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    queue: { updateIntervalMs: 100, baseDelayMs: 20 },
    engine: { pollIntervalMs: 25 },
  });
  // BOT_FRAMEWORK_AUTH=emulator: every activity carries a channel token of the emulator's Bot
  // Connector, and the connector takes only the bot's own token from the emulator's Entra.
  let authorization: string | undefined;
  if (config.BOT_FRAMEWORK_AUTH === 'emulator' && config.BOT_ID && bot.emulatorUrl) {
    authorization = `Bearer ${await channelToken(bot.emulatorUrl, config.BOT_ID, connector.url)}`;
    connector.authorize = botTokenCheck(bot.emulatorUrl, config.BOT_ID);
  }
  const client = new TeamsClient(bot.url, connector.url, authorization ? () => authorization : undefined);
  return {
    bot,
    connector,
    client,
    dataDir: dir,
    async close() {
      await bot.close();
      await connector.stop();
    },
  };
}

/** The newest message of the conversation that carries a card containing `text`. */
export function findCard(
  messages: RecordedActivity[],
  conversationId: string,
  text: string | RegExp,
): { id: string; card: Record<string, unknown> } | undefined {
  const matches = messages
    .filter((m) => m.conversationId === conversationId)
    .map((m) => ({ id: m.id, card: cardOf(m.activity) }))
    .filter((m): m is { id: string; card: Record<string, unknown> } => {
      if (!m.card) return false;
      const json = JSON.stringify(m.card);
      return typeof text === 'string' ? json.includes(text) : text.test(json);
    });
  return matches[matches.length - 1];
}

export async function getJson<T = unknown>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/json', ...headers } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
