import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { startBot } from '../../../src/index';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { EmulatorCredential } from '../../../src/platform/http/credentials';
import type { Harness } from '../../support/botHarness';
import { LocalConnector } from '../../support/localConnector';
import { TeamsClient, type user } from '../../support/teamsClient';

/**
 * A bot in live mode (DYNAMICS_MODE=live) against an emulator the test starts, with the dual-write
 * gateway switched off (DUALWRITE_GATEWAY_ENABLED=false): it can read the dual-write state only
 * through F&O OData, so every gateway step is a manual step (README.md, "Configuration for real
 * Dynamics 365").
 */
export interface LiveRig {
  emulator: RunningEmulator;
  h: Harness;
  close(): Promise<void>;
}

type Person = ReturnType<typeof user>;

export async function startLiveBotWithoutGateway(people: {
  admin: Person;
  approver: Person;
}): Promise<LiveRig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-live-'));
  const emulator = await startEmulator({
    port: 0,
    dataFile: path.join(dir, 'emulator.sqlite'),
    timeScale: 0.0002,
  });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    DYNAMICS_MODE: 'live',
    LIVE_WITHOUT_BOT_AUTH: 'true',
    LCS_API_URL: `${emulator.url}/lcs`,
    LCS_PROJECT_ID: '1',
    BAP_API_URL: `${emulator.url}/bap`,
    POWER_PLATFORM_API_URL: `${emulator.url}/powerplatform`,
    DUALWRITE_GATEWAY_ENABLED: 'false',
    ADMINS: people.admin.aadObjectId,
    APPROVERS: people.approver.aadObjectId,
  });
  const connector = await new LocalConnector().start();
  const bot = await startBot(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    queue: { updateIntervalMs: 50, baseDelayMs: 20 },
    engine: { pollIntervalMs: 25 },
    credential: new EmulatorCredential(),
    // Live mode refuses loopback URLs: the test emulator stands in for Microsoft's hosts.
    trustedOrigins: [emulator.url],
  });
  const h: Harness = {
    bot,
    connector,
    client: new TeamsClient(bot.url, connector.url),
    dataDir: dir,
    async close() {
      await bot.close();
      await connector.stop();
    },
  };
  return {
    emulator,
    h,
    async close() {
      await h.close();
      await emulator.close();
    },
  };
}
