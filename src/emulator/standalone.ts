import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../log';
import { startEmulator } from './index';

/**
 * `npm run emulator`: the Dynamics 365 emulator on its own, so that bots started with EMULATOR_URL
 * can be stopped and restarted while the emulated tenant keeps running (soak tests, demos).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const emulator = await startEmulator({
    port: config.EMULATOR_PORT,
    dataFile: path.join(config.DATA_DIR, 'emulator.sqlite'),
    timeScale: config.EMULATOR_TIME_SCALE,
    logger: createLogger(config.LOG_LEVEL),
  });
  process.stdout.write(`Dynamics 365 emulator on ${emulator.url}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
