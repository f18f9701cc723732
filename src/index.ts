import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './log';
import { openStore } from './store/openStore';
import type { RunningEmulator } from './emulator';
import { systemClock } from './engine/systemClock';
import type { EngineApi } from './engine/engineApi';
import type { BotAuthenticationOverrides } from './bot/adapter';
import type { Notifier } from './bot/notifier';
import type { SendQueueOptions } from './bot/sendQueue';
import { createServer } from './server';
import { databaseCredential } from './composition/credentials';
import { connectDynamics } from './composition/dynamicsConnection';
import { engineFromConfig, replicaIdOf } from './composition/engineFromConfig';
import { healthCheck } from './composition/health';
import { listen } from './composition/listen';
import { readinessCheck } from './composition/readiness';
import { teamsBotFromConfig } from './composition/teamsBot';
import { startTelemetry } from './composition/telemetry';
import { startPlayground, type RunningPlayground } from './playground/startPlayground';
import { clearPlaygroundState, playgroundDir, writePlaygroundState } from './playground/playgroundState';
import { APPROVER, REQUESTER } from './playground/playgroundPeople';

// The composition root: the only place that wires concrete pieces together (each piece is built from
// the configuration in src/composition/). `npm start` runs `main()`; tests call `startBot()` with
// their own configuration.

export interface RunningBot {
  url: string;
  emulatorUrl?: string;
  emulator?: RunningEmulator;
  engine: EngineApi;
  notifier: Notifier;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Overrides for the notifier's queue (tests shorten the coalescing interval). */
  queue?: SendQueueOptions;
  /** Overrides of engine timings (tests poll faster). */
  engine?: { pollIntervalMs?: number };
  /**
   * Live mode: the credential of the platform clients instead of the one built from AZURE_* (tests run
   * live mode against the emulator with its local credential).
   */
  credential?: TokenCredential;
  /**
   * Live mode against a loopback emulator (tests): origins the platform may call besides Microsoft's
   * hosts. Never read from the environment.
   */
  trustedOrigins?: string[];
  /** Tests only: validate Bot Framework tokens against a local key server (see bot/adapter.ts). */
  botAuthentication?: BotAuthenticationOverrides;
}

export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = systemClock;
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    credential: databaseCredential(config),
  });
  const dynamics = await connectDynamics(config, {
    embedded: { port: config.EMULATOR_PORT, dataFile: () => path.join(config.DATA_DIR, 'emulator.sqlite') },
    logger,
    credential: options.credential,
    trustedOrigins: options.trustedOrigins,
  });
  const replicaId = replicaIdOf(config, store);
  const engine = engineFromConfig(
    config,
    { platform: dynamics.platform, store, clock, replicaId, logger, actAs: dynamics.actAs },
    options.engine,
  );
  const bot = teamsBotFromConfig(config, {
    engine,
    conversations: store.conversations,
    dynamics,
    clock,
    replicaId,
    logger,
    queue: options.queue,
    botAuthentication: options.botAuthentication,
  });
  const http = await listen(
    createServer({
      adapter: bot.adapter,
      onTurn: bot.onTurn,
      health: healthCheck(config, replicaId),
      ready: readinessCheck(config, store, dynamics.emulatorUrl),
      logger,
      authRequired: Boolean(config.BOT_ID),
      allowedTenants: config.allowedTenants,
    }),
    config,
  );

  await engine.resume();
  await bot.notifier.recover();
  logger.info(
    {
      url: http.url,
      emulator: dynamics.emulatorUrl,
      mode: config.DYNAMICS_MODE,
      auth: Boolean(config.BOT_ID),
    },
    'bot listening',
  );

  return {
    url: http.url,
    emulatorUrl: dynamics.emulatorUrl,
    emulator: dynamics.emulator,
    engine,
    notifier: bot.notifier,
    async close() {
      await http.close();
      bot.notifier.ticker.stop();
      await engine.close();
      await dynamics.close();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  // Before anything else: the providers must be in place when the first span or instrument is made.
  const telemetry = await startTelemetry(config, logger);
  const bot = await startBot(config, { logger });
  process.stdout.write(`Dual-write setup bot listening on ${bot.url}/api/messages\n`);
  if (bot.emulatorUrl) process.stdout.write(`Dynamics 365 emulator on ${bot.emulatorUrl}\n`);
  const playground = await startLocalPlayground(config, bot, logger);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await playground?.close();
    await bot.close();
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Local mode only (no BOT_ID, PLAYGROUND on): the Agents Playground, a Teams-like page on loopback
 * to chat with the bot. Kept out of startBot so tests start the bot alone. A Playground that does
 * not start is reported, and the bot keeps running.
 */
async function startLocalPlayground(
  config: Config,
  bot: RunningBot,
  logger: Logger,
): Promise<RunningPlayground | undefined> {
  if (config.BOT_ID || !config.PLAYGROUND) return undefined;
  try {
    const playground = await startPlayground({
      botEndpoint: `${bot.url}/api/messages`,
      port: config.PLAYGROUND_PORT,
      botName: config.BOT_NAME,
      workDir: playgroundDir(config.DATA_DIR),
      logger: logger.child({ component: 'playground' }),
    });
    writePlaygroundState(config.DATA_DIR, { url: playground.url, botUrl: bot.url, pid: process.pid });
    process.stdout.write(
      `Chat with the bot in the Microsoft 365 Agents Playground: ${playground.url}\n` +
        `  You are ${REQUESTER.name}; approve as ${APPROVER.name} with: npm run approve\n`,
    );
    return {
      ...playground,
      async close() {
        clearPlaygroundState(config.DATA_DIR);
        await playground.close();
      },
    };
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'agents playground did not start');
    process.stderr.write(
      `The Agents Playground did not start (the bot runs on): ${(error as Error).message}\n`,
    );
    return undefined;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`The bot could not start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
