import { ConfigError, redactedValue } from './configError';
import type { ParsedConfig } from './configSchema';

// The combinations of variables the bot refuses to start with, each in one line naming the variable
// (docs/reliability.md, "Configuration fails closed"): the unauthenticated local mode kept to
// loopback and the emulator, and production (BOT_ID) kept strict.

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** URLs that carry a token to Microsoft: https with BOT_ID, unless they name this machine. */
const TOKEN_URLS = [
  'GRAPH_API_URL',
  'POWER_PLATFORM_API_URL',
  'BAP_API_URL',
  'LCS_API_URL',
  'DUALWRITE_GATEWAY_URL',
] as const;

const isLoopbackUrl = (url: URL) => LOOPBACK.has(url.hostname);

/** AZURE_AUTH=obo acts as the admin who linked, with their Teams SSO token (src/engine/actingAdmin.ts). */
export const OBO_NEEDS_BOT_ID = `Invalid environment variable AZURE_AUTH: obo acts with the admin's Teams single sign-on token, which needs BOT_ID (docs/deploy.md, "Teams single sign-on")`;

/**
 * BOT_FRAMEWORK_AUTH=emulator trusts the emulator's keys, and the emulator signs a channel token for
 * anyone on this machine who asks: only against the emulator, with tokens checked, on loopback.
 */
export function refuseEmulatedBotAuthOutsideEmulator(
  mode: string,
  authOn: boolean,
  listenHost: string,
): void {
  const why =
    mode !== 'emulator'
      ? "emulator is for DYNAMICS_MODE=emulator only (live mode takes the Azure Bot Service's tokens alone)"
      : !authOn
        ? 'emulator needs BOT_ID (without it no Bot Framework token is checked or sent)'
        : !LOOPBACK.has(listenHost)
          ? `emulator listens on loopback only (the emulator signs channel tokens for anyone on this machine); got HOST ${listenHost}`
          : undefined;
  if (why) throw new ConfigError(`Invalid environment variable BOT_FRAMEWORK_AUTH: ${why}`);
}

/** Without BOT_ID anyone who reaches the bot is whoever they claim: never in production, never live by accident. */
export function refuseOpenLocalMode(config: ParsedConfig, authOn: boolean): void {
  if (authOn) return;
  if (config.NODE_ENV?.toLowerCase() === 'production') {
    throw new ConfigError(
      'Invalid environment variable NODE_ENV: production requires BOT_ID (without it the bot accepts unsigned requests from anyone who reaches it)',
    );
  }
  if (config.DYNAMICS_MODE === 'live' && !config.LIVE_WITHOUT_BOT_AUTH) {
    throw new ConfigError(
      'Invalid environment variable DYNAMICS_MODE: live requires BOT_ID (without it identity is whatever a request says, so approvals and four eyes mean nothing); set LIVE_WITHOUT_BOT_AUTH=true to accept that risk on this machine',
    );
  }
}

/** With BOT_ID: four eyes stay on and tokens never travel in clear. */
export function refuseWeakProduction(config: ParsedConfig): void {
  if (!config.FOUR_EYES) {
    throw new ConfigError(
      'Invalid environment variable FOUR_EYES: must stay true when BOT_ID is set (a requester would approve their own run)',
    );
  }
  for (const name of TOKEN_URLS) {
    const value = config[name];
    if (!value) continue;
    const url = new URL(value);
    if (url.protocol !== 'https:' && !isLoopbackUrl(url)) {
      throw new ConfigError(
        `Invalid environment variable ${name}: must be https when BOT_ID is set (the bot sends access tokens there; got "${redactedValue(name, value)}")`,
      );
    }
  }
}
