import express, { type Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../shell/emulatorContext';
import { sendInvalidRequest } from './tokenServiceRouter';
import type { SigningKey } from './signingKeys';

/**
 * How the Bot Connector proves itself to a bot (Learn
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication,
 * "Authenticate requests from the Bot Connector service to your bot"): every activity carries
 * `Authorization: Bearer <JWT>`, RS256-signed with a key the OpenID metadata document lists, issuer
 * `https://api.botframework.com`, audience the bot's app id, a `serviceUrl` claim equal to the
 * activity's `serviceUrl`, within its validity. The metadata (`GET
 * https://login.botframework.com/v1/.well-known/openidconfiguration`) names the issuer and `jwks_uri`;
 * the keys (`GET https://login.botframework.com/v1/.well-known/keys`) are JWKs with `endorsements`.
 *
 * Here both live under `/botframework/v1/.well-known/` of the emulator, on loopback http [inferred:
 * no TLS on loopback; botbuilder fetches them with plain `fetch`]. The claim is spelled `serviceurl`,
 * as botframework-connector's `AuthenticationConstants.ServiceUrlClaim` reads it. The control route
 * `POST /_emulator/botframework/channelToken` stands for the channel signing an activity for a bot.
 */
export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com';

/** Channel tokens live about an hour [inferred: the page does not say]. */
const TOKEN_SECONDS = 3600;

const channelTokenSchema = z
  .object({
    /** The bot's Microsoft app id: the token's audience. */
    botId: z.string().min(1),
    serviceUrl: z.string().url(),
    /** Negative: a token that expired already. */
    expiresInSeconds: z.number().int().min(-86_400).max(86_400).default(TOKEN_SECONDS),
  })
  .strict();

/** `GET /botframework/v1/.well-known/openidconfiguration` and `.../keys`. */
export function botConnectorMetadataRouter(ctx: EmulatorContext, key: SigningKey): Router {
  const router = express.Router();
  router.get('/v1/.well-known/openidconfiguration', (_req, res) => {
    // The fields of the page's example document.
    res.json({
      issuer: BOT_CONNECTOR_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${ctx.baseUrl()}/botframework/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
  });
  router.get('/v1/.well-known/keys', (_req, res) => {
    res.json({ keys: [key.published()] });
  });
  return router;
}

/** `POST /_emulator/botframework/channelToken` `{botId, serviceUrl, expiresInSeconds?}` -> `{token}`. */
export function botConnectorControlRouter(ctx: EmulatorContext, key: SigningKey): Router {
  const router = express.Router();
  router.use(express.json());
  router.post('/channelToken', (req, res) => {
    const parsed = channelTokenSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalidRequest(res, parsed.error);
    const now = Math.floor(ctx.now() / 1000);
    const exp = now + parsed.data.expiresInSeconds;
    res.json({
      token: key.sign({
        iss: BOT_CONNECTOR_ISSUER,
        aud: parsed.data.botId,
        serviceurl: parsed.data.serviceUrl,
        iat: Math.min(now, exp - 1),
        nbf: Math.min(now, exp - 1),
        exp,
      }),
    });
  });
  return router;
}
