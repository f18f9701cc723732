import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config';
import { startEmulator, type RunningEmulator } from '../emulator';
import type { Platform } from '../engine/ports';
import type { Logger } from '../log';
import { createPlatform } from '../platform/createPlatform';
import type { RetryOptions } from '../platform/http/httpPolicy';
import { CLOUD_HOSTED_SUFFIX, DEFAULT_DYNAMICS_HOST_SUFFIXES } from '../platform/http/dynamicsUrls';
import { azureCredential, emulatorCredential } from './credentials';

// The Dynamics 365 side as the configuration says, built in one place for the bot and `npm run
// doctor`: the emulator (embedded, or EMULATOR_URL) or the real services, their credential and the
// platform clients.

export interface DynamicsConnection {
  platform: Platform;
  /** The credential of the platform, also used for Microsoft Graph (group roles). */
  credential: TokenCredential;
  /** Emulator mode: the emulator's base URL (the embedded one or EMULATOR_URL). */
  emulatorUrl?: string;
  /** The embedded emulator this connection started; `close` stops it. */
  emulator?: RunningEmulator;
  close(): Promise<void>;
}

export interface DynamicsOptions {
  /** Emulator mode without EMULATOR_URL: where the embedded emulator listens and keeps its data. */
  embedded: { port: number; dataFile: () => string };
  logger?: Logger;
  /** Live mode: the credential instead of AZURE_AUTH's (tests run live mode against the emulator). */
  credential?: TokenCredential;
  /** Live mode against a loopback emulator (tests): origins trusted besides Microsoft's hosts. */
  trustedOrigins?: string[];
  retry?: Partial<RetryOptions>;
}

export async function connectDynamics(config: Config, options: DynamicsOptions): Promise<DynamicsConnection> {
  const { logger, retry } = options;
  const timeoutMs = config.HTTP_TIMEOUT_MS;
  let emulator: RunningEmulator | undefined;
  if (config.DYNAMICS_MODE === 'emulator' && !config.EMULATOR_URL) {
    emulator = await startEmulator({
      port: options.embedded.port,
      dataFile: options.embedded.dataFile(),
      timeScale: config.EMULATOR_TIME_SCALE,
      logger: logger?.child({ component: 'emulator' }),
    });
  }
  const close = async () => {
    await emulator?.close();
  };
  const emulatorUrl =
    config.DYNAMICS_MODE === 'emulator' ? (config.EMULATOR_URL ?? emulator?.url) : undefined;
  if (emulatorUrl) {
    const platform = createPlatform({
      mode: 'emulator',
      emulatorUrl,
      region: config.POWER_PLATFORM_REGION,
      logger,
      retry,
      timeoutMs,
    });
    return { platform, credential: emulatorCredential(), emulatorUrl, emulator, close };
  }
  // Live mode: one credential for Dynamics 365 and Microsoft Graph.
  const credential = options.credential ?? azureCredential(config);
  const platform = createPlatform({
    mode: 'live',
    credential,
    lcsApiUrl: config.LCS_API_URL,
    lcsProjectId: config.LCS_PROJECT_ID,
    lcsDelegated: config.AZURE_AUTH === 'default',
    powerPlatformApiUrl: config.POWER_PLATFORM_API_URL,
    bapApiUrl: config.BAP_API_URL,
    dataverseAppTemplates: config.DATAVERSE_APP_TEMPLATES,
    region: config.POWER_PLATFORM_REGION,
    dualWriteGatewayUrl: config.DUALWRITE_GATEWAY_URL,
    dualWriteGatewayEnabled: config.DUALWRITE_GATEWAY_ENABLED,
    hostSuffixes: hostSuffixesOf(config),
    trustedOrigins: options.trustedOrigins,
    logger,
    retry,
    timeoutMs,
  });
  return { platform, credential, close };
}

/** DYNAMICS_HOST_SUFFIXES, else Microsoft's clouds; cloud-hosted VMs only when allowed. */
export function hostSuffixesOf(config: Config): readonly string[] {
  const suffixes = config.DYNAMICS_HOST_SUFFIXES.length
    ? config.DYNAMICS_HOST_SUFFIXES
    : DEFAULT_DYNAMICS_HOST_SUFFIXES;
  return config.ALLOW_CLOUD_HOSTED_ENVIRONMENTS ? [...suffixes, CLOUD_HOSTED_SUFFIX] : suffixes;
}
