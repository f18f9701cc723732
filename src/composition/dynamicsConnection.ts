import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config';
import { startEmulator, type RunningEmulator } from '../emulator';
import type { Platform } from '../engine/ports';
import type { Logger } from '../log';
import { createPlatform } from '../platform/createPlatform';
import type { RetryOptions } from '../platform/http/httpPolicy';
import { CLOUD_HOSTED_SUFFIX, DEFAULT_DYNAMICS_HOST_SUFFIXES } from '../platform/http/dynamicsUrls';
import { onBehalfOfCredential, type OnBehalfOfSettings } from '../platform/http/onBehalfOf';
import type { ActAsAdmin } from '../engine/actingAdmin';
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
  /** AZURE_AUTH=obo: the platform as one admin, from their SSO token (the engine's acting admin). */
  actAs?: ActAsAdmin;
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
    const emulated = (credential?: TokenCredential) =>
      createPlatform({
        mode: 'emulator',
        emulatorUrl,
        credential,
        ...(config.AZURE_AUTH === 'obo' ? { obo: credential ? 'admin' : 'app' } : {}),
        region: config.POWER_PLATFORM_REGION,
        logger,
        retry,
        timeoutMs,
      });
    const actAs: ActAsAdmin | undefined =
      config.AZURE_AUTH === 'obo'
        ? (assertion) => emulated(onBehalfOfCredential(oboSettings(config, emulatorUrl), assertion))
        : undefined;
    return { platform: emulated(), credential: emulatorCredential(), emulatorUrl, actAs, emulator, close };
  }
  // Live mode: one credential for Dynamics 365 and Microsoft Graph.
  const credential = options.credential ?? azureCredential(config);
  const live = (asUser: TokenCredential | undefined) =>
    createPlatform({
      mode: 'live',
      credential: asUser ?? credential,
      lcsApiUrl: config.LCS_API_URL,
      lcsProjectId: config.LCS_PROJECT_ID,
      lcsDelegated: config.AZURE_AUTH === 'default',
      ...(config.AZURE_AUTH === 'obo' ? { obo: asUser ? 'admin' : 'app' } : {}),
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
  const actAs: ActAsAdmin | undefined =
    config.AZURE_AUTH === 'obo'
      ? (assertion) => live(onBehalfOfCredential(oboSettings(config), assertion))
      : undefined;
  return { platform: live(undefined), credential, actAs, close };
}

/**
 * The Dynamics registration trades the admin's SSO token (audience `api://<AZURE_CLIENT_ID>`, as the
 * Azure Bot's OAuth connection exchanges it: docs/deploy.md "Teams single sign-on") for each resource.
 */
function oboSettings(config: Config, emulatorOrigin?: string): OnBehalfOfSettings {
  return {
    tenantId: config.AZURE_TENANT_ID ?? 'organizations',
    clientId: config.AZURE_CLIENT_ID ?? EMULATOR_OBO_CLIENT,
    clientSecret: config.AZURE_CLIENT_SECRET ?? 'emulator',
    ...(emulatorOrigin ? { emulatorOrigin } : {}),
  };
}

/** Emulator mode without AZURE_CLIENT_ID: the emulator's Entra takes any client [inferred]. */
const EMULATOR_OBO_CLIENT = '00000000-0000-4000-8000-0000000000d1';

/** DYNAMICS_HOST_SUFFIXES, else Microsoft's clouds; cloud-hosted VMs only when allowed. */
export function hostSuffixesOf(config: Config): readonly string[] {
  const suffixes = config.DYNAMICS_HOST_SUFFIXES.length
    ? config.DYNAMICS_HOST_SUFFIXES
    : DEFAULT_DYNAMICS_HOST_SUFFIXES;
  return config.ALLOW_CLOUD_HOSTED_ENVIRONMENTS ? [...suffixes, CLOUD_HOSTED_SUFFIX] : suffixes;
}
