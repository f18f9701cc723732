import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { buildAppPackage } from './appPackage';

/**
 * `npm run package`: writes build/appPackage.zip with the manifest's placeholders filled from the
 * configuration (TEAMS_APP_ID, BOT_ID, BOT_NAME). Without them (local use) it fills a fixed
 * development id and says so: such a package is only for sideloading against a local bot.
 */
const LOCAL_DEV_ID = '00000000-0000-4000-8000-000000000d11';

async function main(): Promise<void> {
  const config = loadConfig();
  const botId = config.BOT_ID ?? LOCAL_DEV_ID;
  const teamsAppId = config.TEAMS_APP_ID ?? botId;
  if (!config.BOT_ID) {
    process.stderr.write(
      `BOT_ID is not set: using the local development id ${LOCAL_DEV_ID} (sideloading only).\n`,
    );
  }
  const out = path.join(__dirname, '..', 'build', 'appPackage.zip');
  await buildAppPackage({ TEAMS_APP_ID: teamsAppId, BOT_ID: botId, BOT_NAME: config.BOT_NAME }, out);
  process.stdout.write(`Teams app package written to ${out} (manifest valid against its schema)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
