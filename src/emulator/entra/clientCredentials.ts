import type { Request, Response } from 'express';
import type { EmulatorContext } from '../shell/emulatorContext';
import { missingClientCredential, missingParameter, sendEntraError, type EntraRefusal } from './entraErrors';
import { audienceOfScope } from './entraTokens';
import type { SigningKey } from './signingKeys';

/**
 * Entra's client-credentials grant, as a bot asks it for its Bot Connector token (Learn
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication,
 * "Step 1: Request an access token from the Microsoft Entra ID account login service":
 * `POST /botframework.com/oauth2/v2.0/token` with `grant_type=client_credentials`, `client_id`,
 * `client_secret`, `scope=https://api.botframework.com/.default`; the answer `token_type`,
 * `expires_in`, `ext_expires_in`, `access_token`). Learn
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow gives the same
 * request for any resource.
 *
 * The token is an RS256 JWT signed with the emulator's Entra key (published at the metadata's
 * `jwks_uri`), with the app-token claims of Learn
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference: `aud`, `iss`,
 * `iat`, `nbf`, `exp`, `azp` (the client), `tid`, `ver`, `idtyp` `app`. [inferred]: any non-empty
 * secret is taken (the emulator keeps no app registrations); `tid` is the tenant the path names; the
 * issuer is the emulator's own metadata `issuer`. The emulated Dynamics APIs still take only the
 * emulator's own token format (shell/acceptedTokens.ts): this grant is for the Bot Connector.
 */
const TOKEN_SECONDS = 3600;

/** AADSTS1002012: a client-credentials scope must be `<resource>/.default` [wording inferred]. */
const notDefaultScope = (scope: string): EntraRefusal => ({
  status: 400,
  error: 'invalid_scope',
  code: 1002012,
  description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
});

export function clientCredentialsGrant(
  ctx: EmulatorContext,
  key: SigningKey,
  req: Request,
  res: Response,
  issuer: { tenant: string; url: string },
): void {
  const now = ctx.now();
  const field = (name: string) => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  for (const name of ['client_id', 'scope']) {
    if (!field(name)) return sendEntraError(res, missingParameter(name), now);
  }
  if (!field('client_secret') && !field('client_assertion'))
    return sendEntraError(res, missingClientCredential(), now);
  const scope = field('scope');
  if (!scope.endsWith('/.default')) return sendEntraError(res, notDefaultScope(scope), now);
  const iat = Math.floor(now / 1000);
  const clientId = field('client_id');
  res.json({
    token_type: 'Bearer',
    expires_in: TOKEN_SECONDS,
    ext_expires_in: TOKEN_SECONDS,
    access_token: key.sign({
      aud: audienceOfScope(scope),
      iss: issuer.url,
      iat,
      nbf: iat,
      exp: iat + TOKEN_SECONDS,
      azp: clientId,
      tid: issuer.tenant,
      ver: '2.0',
      idtyp: 'app',
    }),
  });
}
