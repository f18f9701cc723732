import express, { type Response, type Router } from 'express';
import { z, type ZodError } from 'zod';
import { sendJsonError } from '../shell/httpShell';
import type { EmulatorContext } from '../shell/emulatorContext';
import { mintUserToken, userClaimsOf } from './entraTokens';
import { issueSignInCode, redeemSignInCode } from './signInCodes';
import type { SigningKey } from './signingKeys';

/**
 * The Bot Framework token service's exchange, under `/botframework` (the bot's OAuth API URL in emulator
 * mode): `POST api/usertoken/exchange?userId=&connectionName=&channelId=` with `{token}` answers a
 * TokenResponse `{channelId, connectionName, token, expiration}`, or 404 with no token when the user has
 * not consented, which the bot turns into the 412 of `signin/tokenExchange` (Learn
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code; the
 * route, query and statuses are botframework-connector's `userToken.exchangeAsync` operation). The
 * exchanged token is the Teams SSO token's user, for the OAuth connection's scope
 * (`identity.exchangeAudience`) [inferred: the real service runs its own on-behalf-of grant].
 *
 * And, under the control API, the token Teams' client gives a tab or a bot for SSO
 * (`authentication.getAuthToken`): audience `api://botid-{appId}` by default.
 */
const TOKEN_SECONDS = 3600;
const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

const exchangeSchema = z.object({ token: z.string().min(1), uri: z.string().optional() });
const ssoSchema = z
  .object({
    oid: z.string().min(1),
    name: z.string().min(1).default('Emulated user'),
    audience: z.string().min(1).default('api://botid-00000000-0000-4000-8000-0000000000b0'),
    /** Negative: an SSO token that expired already. */
    expiresInSeconds: z.number().int().min(-86_400).max(86_400).default(TOKEN_SECONDS),
  })
  .strict();
const signInCodeSchema = z
  .object({
    userId: z.string().min(1),
    connectionName: z.string().min(1),
    oid: z.string().min(1),
    name: z.string().min(1).default('Emulated user'),
  })
  .strict();

export function tokenServiceRouter(ctx: EmulatorContext, entraKey: SigningKey): Router {
  const router = express.Router();
  router.use(express.json());
  // The bot calls the token service with its own token (the client-credentials token for
  // https://api.botframework.com, clientCredentials.ts). A bot without BOT_ID sends none, which the
  // emulator lets through [inferred: the real service wants one]; a token it did not issue gets 401.
  router.use((req, res, next) => {
    const header = req.header('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (header === undefined || (token && entraKey.verifies(token, BOT_FRAMEWORK_AUDIENCE))) return next();
    sendJsonError(
      res,
      401,
      'Unauthorized',
      'The bot token is not valid for the Bot Framework token service.',
    );
  });
  router.post('/api/usertoken/exchange', (req, res) => {
    const userId = typeof req.query.userId === 'string' ? req.query.userId : '';
    const connectionName = typeof req.query.connectionName === 'string' ? req.query.connectionName : '';
    const channelId = typeof req.query.channelId === 'string' ? req.query.channelId : '';
    const body = exchangeSchema.safeParse(req.body);
    if (!userId || !connectionName || !channelId || !body.success)
      return sendJsonError(
        res,
        400,
        'BadArgument',
        'userId, connectionName, channelId and a token are required.',
      );
    const claims = userClaimsOf(body.data.token);
    const now = ctx.now();
    // No consent (or an expired SSO token): no token, so the bot falls back to the sign-in card.
    if (!claims || claims.exp * 1000 <= now || ctx.settings.identity.exchangeRefused)
      return res.status(404).json({ channelId, connectionName });
    const exp = Math.floor(now / 1000) + TOKEN_SECONDS;
    res.json({
      channelId,
      connectionName,
      token: mintUserToken({
        ...claims,
        aud: ctx.settings.identity.exchangeAudience,
        scp: 'access_as_user',
        iat: Math.floor(now / 1000),
        exp,
      }),
      expiration: new Date(exp * 1000).toISOString(),
    });
  });
  // The magic code of the sign-in card (signInCodes.ts): 200 TokenResponse, or 404 without a token.
  router.get('/api/usertoken/GetToken', (req, res) => {
    const q = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');
    const [userId, connectionName, channelId, code] = ['userId', 'connectionName', 'channelId', 'code'].map(
      q,
    );
    if (!userId || !connectionName || !channelId)
      return sendJsonError(res, 400, 'BadArgument', 'userId, connectionName and channelId are required.');
    const signIn = code ? redeemSignInCode(ctx, code, userId, connectionName) : undefined;
    if (!signIn) return res.status(404).json({ channelId, connectionName });
    const now = Math.floor(ctx.now() / 1000);
    res.json({
      channelId,
      connectionName,
      token: mintUserToken({
        aud: ctx.settings.identity.exchangeAudience,
        oid: signIn.oid,
        tid: ctx.seed.tenantId,
        scp: 'access_as_user',
        name: signIn.name,
        iat: now,
        exp: now + TOKEN_SECONDS,
        idtyp: 'user',
      }),
      expiration: new Date((now + TOKEN_SECONDS) * 1000).toISOString(),
    });
  });
  return router;
}

/** `POST /_emulator/entra/ssoToken`: the token Teams would hand over for this user. */
export function ssoControlRouter(ctx: EmulatorContext): Router {
  const router = express.Router();
  router.use(express.json());
  router.post('/ssoToken', (req, res) => {
    const parsed = ssoSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalidRequest(res, parsed.error);
    const now = Math.floor(ctx.now() / 1000);
    res.json({
      token: mintUserToken({
        aud: parsed.data.audience,
        oid: parsed.data.oid,
        tid: ctx.seed.tenantId,
        scp: 'access_as_user',
        name: parsed.data.name,
        iat: now,
        exp: now + parsed.data.expiresInSeconds,
        idtyp: 'user',
      }),
    });
  });
  // `POST /_emulator/entra/signInCode`: the user finished the sign-in card's page; the magic code.
  router.post('/signInCode', (req, res) => {
    const parsed = signInCodeSchema.safeParse(req.body);
    if (!parsed.success) return sendInvalidRequest(res, parsed.error);
    res.json({ code: issueSignInCode(ctx, parsed.data) });
  });
  return router;
}

/** A control body its zod schema refused: 400 `InvalidRequest`, naming each field and why. */
export function sendInvalidRequest(res: Response, error: ZodError): void {
  sendJsonError(
    res,
    400,
    'InvalidRequest',
    error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  );
}
