import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { TokenCredential } from '@azure/identity';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './log';
import { openStore } from './store/openStore';
import { startEmulator, type RunningEmulator } from './emulator';
import { createPlatform } from './platform/createPlatform';
import { createCredential } from './platform/http/credentials';
import { createSetupEngine } from './engine/setupEngine';
import { systemClock } from './engine/systemClock';
import type { EngineApi } from './engine/engineApi';
import { createAdapter, type BotAuthenticationOverrides } from './bot/adapter';
import { createBotApp } from './bot/botApp';
import { CardViews } from './bot/audience/cardViews';
import { Roster } from './bot/audience/roster';
import { Roles } from './bot/roles/roles';
import { createGraphDirectoryClient } from './platform/graph/graphDirectoryClient';
import { Notifier } from './bot/notifier';
import type { SendQueueOptions } from './bot/sendQueue';
import { createServer, type HealthReport } from './server';
import { projectVersion } from './projectRoot';
import { startPlayground, type RunningPlayground } from './playground/startPlayground';
import { clearPlaygroundState, playgroundDir, writePlaygroundState } from './playground/playgroundState';
import { APPROVER, REQUESTER } from './playground/playgroundPeople';

// The composition root: the only place that wires concrete pieces together. `npm start` runs
// `main()`; tests call `startBot()` with their own configuration.

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

const VERSION = projectVersion();

export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    credential:
      config.DATABASE_AUTH === 'managed-identity'
        ? createCredential({ kind: 'managed-identity', clientId: config.DATABASE_IDENTITY_CLIENT_ID })
        : undefined,
  });

  let emulator: RunningEmulator | undefined;
  if (config.DYNAMICS_MODE === 'emulator' && !config.EMULATOR_URL) {
    emulator = await startEmulator({
      port: config.EMULATOR_PORT,
      dataFile: path.join(config.DATA_DIR, 'emulator.sqlite'),
      timeScale: config.EMULATOR_TIME_SCALE,
      logger: logger.child({ component: 'emulator' }),
    });
  }
  const emulatorUrl =
    config.DYNAMICS_MODE === 'emulator' ? (config.EMULATOR_URL ?? emulator?.url) : undefined;
  // Live mode: one credential for Dynamics 365 and Microsoft Graph (group roles).
  const liveCredential = emulatorUrl ? undefined : (options.credential ?? azureCredential(config));
  const platform = emulatorUrl
    ? createPlatform({ mode: 'emulator', emulatorUrl, logger, timeoutMs: config.HTTP_TIMEOUT_MS })
    : createPlatform({
        mode: 'live',
        credential: liveCredential!,
        lcsApiUrl: config.LCS_API_URL,
        lcsProjectId: config.LCS_PROJECT_ID,
        lcsDelegated: config.AZURE_AUTH === 'default',
        powerPlatformApiUrl: config.POWER_PLATFORM_API_URL,
        bapApiUrl: config.BAP_API_URL,
        dataverseAppTemplates: config.DATAVERSE_APP_TEMPLATES,
        dualWriteGatewayUrl: config.DUALWRITE_GATEWAY_URL,
        dualWriteGatewayEnabled: config.DUALWRITE_GATEWAY_ENABLED,
        hostSuffixes: config.DYNAMICS_HOST_SUFFIXES.length ? config.DYNAMICS_HOST_SUFFIXES : undefined,
        trustedOrigins: options.trustedOrigins,
        logger,
        timeoutMs: config.HTTP_TIMEOUT_MS,
      });
  const roles = new Roles(
    { admins: config.ADMINS, approvers: config.APPROVERS, fourEyes: config.FOUR_EYES },
    createGraphDirectoryClient(
      emulatorUrl
        ? { baseUrl: `${emulatorUrl}/graph`, credential: createCredential({ kind: 'emulator' }), logger }
        : { baseUrl: config.GRAPH_API_URL, credential: liveCredential!, logger },
    ),
  );
  const views = new CardViews(roles, new Roster(), logger);

  // Unique among live processes: leases and card-update claims are told apart by it. SQLite serves
  // one process, so a fixed name lets a restarted bot take its runs back at once.
  const replicaId =
    config.REPLICA_ID ?? (store.kind === 'sqlite' ? 'local' : `${os.hostname()}-${process.pid}`);
  const engine = createSetupEngine({
    platform,
    store: store.runs,
    clock: systemClock,
    logger: logger.child({ component: 'engine' }),
    approvalTimeoutMs: config.APPROVAL_TIMEOUT_MINUTES * 60_000,
    approvalReminderMs: config.APPROVAL_REMINDER_MINUTES * 60_000,
    fourEyes: config.FOUR_EYES,
    // SQLite serves one process: nothing to share, so no leases (its restart resumes every run).
    replicas:
      store.kind === 'postgres'
        ? {
            leases: store.leases,
            signals: store.signals,
            owner: replicaId,
            ttlMs: config.LEASE_TTL_SECONDS * 1000,
            heartbeatMs: config.LEASE_HEARTBEAT_SECONDS * 1000,
          }
        : undefined,
    ...options.engine,
  });

  const conversations = store.conversations;
  const adapter = createAdapter(config, logger, options.botAuthentication);
  const botId = config.BOT_ID ?? '';
  const notifier = new Notifier({
    adapter,
    botId,
    engine,
    conversations,
    views,
    logger,
    queue: options.queue,
    replicaId,
  });
  notifier.attach();
  const app = createBotApp(
    {
      engine,
      conversations,
      notifier,
      roles,
      views,
      logger,
      modeDescription: emulatorUrl ? `the Dynamics 365 emulator (${emulatorUrl})` : 'live Dynamics 365',
      previewWaitMs: 40,
    },
    adapter,
    botId,
  );

  const health = async (): Promise<HealthReport> => {
    let storeOk = false;
    try {
      storeOk = await store.ping();
    } catch {
      storeOk = false;
    }
    let reachable = !emulatorUrl;
    if (emulatorUrl) {
      try {
        const response = await fetch(`${emulatorUrl}/_emulator/health`, {
          signal: AbortSignal.timeout(2000),
        });
        reachable = response.ok;
      } catch {
        reachable = false;
      }
    }
    return {
      status: storeOk && reachable ? 'ok' : 'degraded',
      version: VERSION,
      store: { ok: storeOk },
      dynamics: { mode: config.DYNAMICS_MODE, reachable, url: emulatorUrl },
    };
  };

  const server = createServer({
    adapter,
    onTurn: (context) => app.run(context).then(() => undefined),
    health,
    logger,
    authRequired: Boolean(config.BOT_ID),
    allowedTenants: config.allowedTenants,
  });
  const httpServer: Server = await new Promise((resolve, reject) => {
    const listening = server.listen(config.PORT, config.listenHost, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  await engine.resume();
  await notifier.recover();
  logger.info(
    { url, emulator: emulatorUrl, mode: config.DYNAMICS_MODE, auth: Boolean(config.BOT_ID) },
    'bot listening',
  );

  return {
    url,
    emulatorUrl,
    emulator,
    engine,
    notifier,
    async close() {
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      notifier.ticker.stop();
      await engine.close();
      await emulator?.close();
      await store.close();
    },
  };
}

/** The Entra identity of AZURE_AUTH (Dynamics 365 and Microsoft Graph in live mode). */
function azureCredential(config: Config): TokenCredential {
  return createCredential(
    config.AZURE_AUTH === 'client-secret'
      ? {
          kind: 'client-secret',
          tenantId: config.AZURE_TENANT_ID!,
          clientId: config.AZURE_CLIENT_ID!,
          clientSecret: config.AZURE_CLIENT_SECRET!,
        }
      : config.AZURE_AUTH === 'managed-identity'
        ? { kind: 'managed-identity', clientId: config.AZURE_CLIENT_ID }
        : { kind: 'default', tenantId: config.AZURE_TENANT_ID, clientId: config.AZURE_CLIENT_ID },
  );
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
  const bot = await startBot(config, { logger });
  process.stdout.write(`Dual-write setup bot listening on ${bot.url}/api/messages\n`);
  if (bot.emulatorUrl) process.stdout.write(`Dynamics 365 emulator on ${bot.emulatorUrl}\n`);
  const playground = await startLocalPlayground(config, bot, logger);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await playground?.close();
    await bot.close();
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
