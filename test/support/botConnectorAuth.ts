import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Checks a JWT the way a relying party does: the signing key found by `kid` in the issuer's JWKS
 * (fetched over HTTP), RS256, then issuer and audience. Used against the emulator's Entra and Bot
 * Connector keys (src/emulator/entra/signingKeys.ts). Returns the claims, or throws why not.
 */
export async function verifyWithJwks(
  token: string,
  jwksUrl: string,
  expected: { issuer: string; audience: string },
): Promise<Record<string, unknown>> {
  const kid = (jwt.decode(token, { complete: true })?.header as { kid?: string } | undefined)?.kid;
  const response = await fetch(jwksUrl);
  if (!response.ok) throw new Error(`GET ${jwksUrl}: ${response.status}`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string; n: string; e: string }> };
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`no key ${kid} at ${jwksUrl}`);
  const key: KeyObject = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  return jwt.verify(token, key, {
    algorithms: ['RS256'],
    issuer: expected.issuer,
    audience: expected.audience,
  }) as Record<string, unknown>;
}

/** A channel token the emulator's Bot Connector signs for `botId`, for activities to `serviceUrl`. */
export async function channelToken(
  emulatorUrl: string,
  botId: string,
  serviceUrl: string,
  expiresInSeconds?: number,
): Promise<string> {
  const response = await fetch(`${emulatorUrl}/_emulator/botframework/channelToken`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      botId,
      serviceUrl,
      ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
    }),
  });
  if (!response.ok) throw new Error(`channelToken: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * What the connector checks of the bot's own token: signed by the emulator's Entra, issued by it, for
 * `https://api.botframework.com`, to this bot (`azp`). The emulator's Entra names https endpoints on its
 * host (MSAL's rule) and serves them on loopback http.
 */
export function botTokenCheck(
  emulatorUrl: string,
  botId: string,
  tenant = 'botframework.com',
): (authorization: string | undefined) => Promise<boolean> {
  const host = new URL(emulatorUrl).host;
  return async (authorization) => {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token) return false;
    try {
      const claims = await verifyWithJwks(token, `${emulatorUrl}/${tenant}/discovery/v2.0/keys`, {
        issuer: `https://${host}/${tenant}/v2.0`,
        audience: 'https://api.botframework.com',
      });
      return claims.azp === botId;
    } catch {
      return false;
    }
  };
}

/** The app id of the bot the signed tests run (any GUID: the emulator keeps no registrations). */
export const SIGNED_BOT_ID = '5b0c7e1a-2f43-4d6b-9a8e-3c1d2e4f5a6b';

/**
 * The environment of a bot with BOT_ID whose Bot Framework authentication is the emulator's
 * (BOT_FRAMEWORK_AUTH=emulator); the harness then signs every activity and checks the bot's replies.
 * The tenant is the one of the test conversations (teamsClient.ts).
 */
export function signedBotEnv(admins: string[], approvers: string[]): Record<string, string> {
  return {
    BOT_ID: SIGNED_BOT_ID,
    BOT_PASSWORD: 'emulated-bot-secret',
    BOT_FRAMEWORK_AUTH: 'emulator',
    DYNAMICS_MODE: 'emulator',
    ALLOWED_TENANTS: 'tenant-contoso',
    ADMINS: admins.join(','),
    APPROVERS: approvers.join(','),
  };
}
