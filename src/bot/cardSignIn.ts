import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { UserTokenClient } from 'botframework-connector';
import { z } from 'zod';
import type { BotServices } from './botServices';

// Teams SSO for a card button (Learn
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/sso-adaptive-cards-universal-action):
// the Action.Execute invoke carries `value.authentication` {id, connectionName, token} when Teams has
// the user's SSO token; without one the bot answers 401 with a login request whose
// `tokenExchangeResource` names the app's SSO resource (api://botid-{BOT_ID}), and Teams sends the
// invoke again with the token. The exchanged token is handed to the engine only, never stored or logged.

/** The verbs whose click must carry the clicker's SSO token. */
export const VERBS_NEEDING_SSO: ReadonlySet<string> = new Set(['run.continueAsMe']);

const authenticationSchema = z.object({
  authentication: z.object({
    id: z.string().max(200).optional(),
    connectionName: z.string().max(200).optional(),
    token: z
      .string()
      .min(1)
      .max(16 * 1024),
  }),
});

/** Where the exchanged token waits for the verb's handler, in this turn only. */
const ASSERTION_KEY = Symbol('continueAsMe.assertion');

function tokenClient(context: TurnContext): UserTokenClient | undefined {
  return context.turnState.get<UserTokenClient | undefined>(
    (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey,
  );
}

/**
 * The click's SSO token (audience api://botid-{BOT_ID}) exchanged at the token service for the OAuth
 * connection's scope (api://<AZURE_CLIENT_ID>/access_as_user, docs/deploy.md): the assertion the
 * engine's on-behalf-of grant takes. Undefined when the click carried none or the exchange failed
 * (no consent yet): then Teams is sent the login request. Kept in the turn's state for the handler.
 */
export async function takeSsoAssertion(services: BotServices, context: TurnContext): Promise<boolean> {
  const parsed = authenticationSchema.safeParse(context.activity.value);
  if (!parsed.success) return false;
  try {
    const exchanged = await tokenClient(context)?.exchangeToken(
      context.activity.from.id,
      services.ssoConnectionName,
      context.activity.channelId,
      { token: parsed.data.authentication.token },
    );
    if (!exchanged?.token) return false;
    context.turnState.set(ASSERTION_KEY, exchanged.token);
    return true;
  } catch (error) {
    services.logger.info({ err: (error as Error).message }, 'card SSO token not exchanged: login request');
    return false;
  }
}

/** The assertion takeSsoAssertion left for this turn. */
export function ssoAssertionOf(context: TurnContext): string | undefined {
  return context.turnState.get<string | undefined>(ASSERTION_KEY);
}

/** The sign-in link of the token service (the login request's fallback button), when it gives one. */
async function signInLink(services: BotServices, context: TurnContext): Promise<string | undefined> {
  const client = tokenClient(context);
  try {
    const resource = await client?.getSignInResource(services.ssoConnectionName, context.activity, '');
    return resource?.signInLink;
  } catch (error) {
    services.logger.warn({ err: (error as Error).message }, 'no sign-in link from the token service');
    return undefined;
  }
}

/** Answers the invoke with the 401 login request (the shape of the Learn page above). */
export async function sendLoginRequest(
  services: BotServices,
  context: TurnContext,
  botAppId: string,
): Promise<void> {
  const link = await signInLink(services, context);
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 200,
      body: {
        statusCode: 401,
        type: 'application/vnd.microsoft.activity.loginRequest',
        value: {
          text: 'Sign in to continue as yourself',
          connectionName: services.ssoConnectionName,
          tokenExchangeResource: {
            id: context.activity.id ?? services.ssoConnectionName,
            uri: `api://botid-${botAppId}`,
            providerId: services.ssoConnectionName,
          },
          buttons: link ? [{ title: 'Sign in', text: 'Sign in', type: 'signin', value: link }] : [],
        },
      },
    },
  });
}
