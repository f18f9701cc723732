import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { EmulatorContext } from '../shell/emulatorContext';
import {
  authorizationPending,
  expiredAssertion,
  interactionRequired,
  invalidAssertion,
  missingClientCredential,
  missingParameter,
  sendEntraError,
  unsupportedGrant,
  wrongAudience,
} from './entraErrors';
import { clientCredentialsGrant } from './clientCredentials';
import { audienceOfScope, mintUserToken, userClaimsOf, type UserClaims } from './entraTokens';
import type { SigningKey } from './signingKeys';

/**
 * Microsoft Entra's v2.0 endpoints as far as the bot uses them (docs/fidelity.md, "Entra"):
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration` (what MSAL reads before a grant);
 * - `POST /{tenant}/oauth2/v2.0/token` with the on-behalf-of grant (Learn
 *   https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow: `grant_type`
 *   `urn:ietf:params:oauth:grant-type:jwt-bearer`, `client_id`, `client_secret`, `assertion`, `scope`,
 *   `requested_token_use=on_behalf_of`; the answer `token_type`, `scope`, `expires_in`,
 *   `ext_expires_in`, `access_token`), the device-code grant and the refresh grant of a public client
 *   (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code), and the
 *   client-credentials grant a bot asks its Bot Connector token with (clientCredentials.ts);
 * - `POST /{tenant}/oauth2/v2.0/devicecode`;
 * - `GET /{tenant}/discovery/v2.0/keys`: the key the client-credentials tokens are signed with.
 * MSAL refuses an authority that is not https, so the metadata names https endpoints on this host; the
 * platform's emulator transport sends them over loopback http [inferred: no TLS on loopback].
 */
const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Real access tokens live 60 to 90 minutes (access-tokens.md); the emulator gives an hour. */
const TOKEN_SECONDS = 3600;
/** LCS's and Dynamics' delegated permission (lcs-aad-app-reg.md: `user_impersonation`). */
const DELEGATED_SCOPE = 'user_impersonation';
const REFRESH_PREFIX = 'emulator-rt.';

interface DeviceCode {
  scope: string;
  clientId: string;
  expiresAt: number;
}

export function entraRouter(ctx: EmulatorContext, key: SigningKey): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false }));
  const deviceCodes = new Map<string, DeviceCode>();
  const identity = () => ctx.settings.identity;
  const host = (req: Request) => `https://${req.get('host') ?? '127.0.0.1'}`;

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    const base = `${host(req)}/${req.params.tenant}`;
    // The fields MSAL requires of the metadata (authorization, token, issuer, jwks), plus devicecode.
    res.json({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
    });
  });

  router.get('/:tenant/discovery/v2.0/keys', (_req, res) => {
    res.json({ keys: [key.published()] });
  });

  router.post('/:tenant/oauth2/v2.0/devicecode', (req, res) => {
    const clientId = field(req, 'client_id');
    const scope = field(req, 'scope');
    if (!clientId) return sendEntraError(res, missingParameter('client_id'), ctx.now());
    if (!scope) return sendEntraError(res, missingParameter('scope'), ctx.now());
    const deviceCode = randomBytes(24).toString('base64url');
    const userCode = randomBytes(4).toString('hex').toUpperCase();
    deviceCodes.set(deviceCode, { scope, clientId, expiresAt: ctx.now() + 900_000 });
    res.json({
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: 'https://microsoft.com/devicelogin',
      expires_in: 900,
      // 5 s in the real service (v2-oauth2-device-code.md example), scaled like every emulated wait.
      interval: Math.max(1, Math.round(5 * ctx.settings.timeScale)),
      message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
    });
  });

  router.post('/:tenant/oauth2/v2.0/token', (req, res) => {
    const grant = field(req, 'grant_type');
    const tenant = req.params.tenant;
    if (grant === OBO_GRANT) return onBehalfOf(req, res, tenant);
    // The device-code doc names the urn; MSAL sends the short `device_code`, which Entra takes too.
    if (grant === DEVICE_GRANT || grant === 'device_code') return deviceCodeGrant(req, res, tenant);
    if (grant === 'refresh_token') return refreshGrant(req, res, tenant);
    if (grant === 'client_credentials')
      return clientCredentialsGrant(ctx, key, req, res, { tenant, url: `${host(req)}/${tenant}/v2.0` });
    return sendEntraError(res, unsupportedGrant(grant || '(none)'), ctx.now());
  });

  function onBehalfOf(req: Request, res: Response, tenant: string): void {
    const now = ctx.now();
    const clientId = field(req, 'client_id');
    for (const name of ['client_id', 'assertion', 'scope', 'requested_token_use']) {
      if (!field(req, name)) return sendEntraError(res, missingParameter(name), now);
    }
    if (!field(req, 'client_secret') && !field(req, 'client_assertion'))
      return sendEntraError(res, missingClientCredential(), now);
    const assertion = userClaimsOf(field(req, 'assertion'));
    if (!assertion) return sendEntraError(res, invalidAssertion(), now);
    // The assertion must have been issued to this middle tier: its client id or its app id URI.
    if (![clientId, `api://${clientId}`, `api://botid-${clientId}`].includes(assertion.aud))
      return sendEntraError(res, wrongAudience(clientId), now);
    if (assertion.exp * 1000 <= now) return sendEntraError(res, expiredAssertion(), now);
    const scope = field(req, 'scope');
    const resource = audienceOfScope(scope);
    const challenge = identity().interactionRequired;
    if (challenge && (!challenge.oid || challenge.oid === assertion.oid))
      return sendEntraError(res, interactionRequired(challenge.code, resource), now);
    res.json(tokenAnswer(scope, { ...assertion, aud: resource, tid: tenantOf(tenant, assertion.tid) }, now));
  }

  function deviceCodeGrant(req: Request, res: Response, tenant: string): void {
    const now = ctx.now();
    const code = deviceCodes.get(field(req, 'device_code'));
    if (!code || code.expiresAt <= now)
      return sendEntraError(
        res,
        {
          status: 400,
          error: 'expired_token',
          code: 70020,
          description: 'The provided value for the input parameter device_code is not valid or has expired.',
        },
        now,
      );
    const user = identity().deviceCodeUser;
    if (!user) return sendEntraError(res, authorizationPending(), now);
    deviceCodes.delete(field(req, 'device_code'));
    res.json(signedIn(code.scope, code.clientId, user, tenantOf(tenant, ctx.seed.tenantId), now));
  }

  function refreshGrant(req: Request, res: Response, tenant: string): void {
    const now = ctx.now();
    const token = field(req, 'refresh_token');
    const user = refreshUser(token);
    if (!user)
      return sendEntraError(
        res,
        {
          status: 400,
          error: 'invalid_grant',
          code: 9002313,
          description: 'Invalid request. Request is malformed or invalid.',
        },
        now,
      );
    res.json(
      signedIn(field(req, 'scope'), field(req, 'client_id'), user, tenantOf(tenant, ctx.seed.tenantId), now),
    );
  }

  /** A public client's sign-in: access token, id token and client_info (MSAL keeps the account). */
  function signedIn(
    scope: string,
    clientId: string,
    user: { oid: string; name: string },
    tid: string,
    now: number,
  ) {
    const claims: UserClaims = {
      aud: audienceOfScope(scope),
      oid: user.oid,
      tid,
      scp: DELEGATED_SCOPE,
      name: user.name,
      exp: Math.floor(now / 1000) + TOKEN_SECONDS,
      iat: Math.floor(now / 1000),
      idtyp: 'user',
    };
    const idClaims = {
      aud: clientId,
      iss: `https://login.microsoftonline.com/${tid}/v2.0`,
      oid: user.oid,
      sub: user.oid,
      tid,
      name: user.name,
      preferred_username: `${user.oid}@emulator.invalid`,
      iat: claims.iat,
      nbf: claims.iat,
      exp: claims.exp,
      ver: '2.0',
    };
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return {
      ...tokenAnswer(scope, claims, now),
      id_token: `${segment({ typ: 'JWT', alg: 'none' })}.${segment(idClaims)}.`,
      client_info: segment({ uid: user.oid, utid: tid }),
      refresh_token: `${REFRESH_PREFIX}${segment({ oid: user.oid, name: user.name })}`,
    };
  }

  return router;
}

function tokenAnswer(scope: string, base: UserClaims, now: number) {
  const claims: UserClaims = {
    ...base,
    scp: DELEGATED_SCOPE,
    iat: Math.floor(now / 1000),
    exp: Math.floor(now / 1000) + TOKEN_SECONDS,
  };
  return {
    token_type: 'Bearer',
    scope,
    expires_in: TOKEN_SECONDS,
    ext_expires_in: TOKEN_SECONDS,
    access_token: mintUserToken(claims),
  };
}

/** The user a refresh token of this emulator names; undefined for anything else. */
function refreshUser(token: string): { oid: string; name: string } | undefined {
  if (!token.startsWith(REFRESH_PREFIX)) return undefined;
  try {
    const user = JSON.parse(Buffer.from(token.slice(REFRESH_PREFIX.length), 'base64url').toString()) as {
      oid?: unknown;
      name?: unknown;
    };
    return typeof user.oid === 'string' && typeof user.name === 'string'
      ? { oid: user.oid, name: user.name }
      : undefined;
  } catch {
    return undefined;
  }
}

/** `organizations`/`common` in the path keep the user's own tenant. */
function tenantOf(pathTenant: string, fallback: string): string {
  return ['common', 'organizations', 'consumers'].includes(pathTenant) ? fallback : pathTenant;
}

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
