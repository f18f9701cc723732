import {
  ActivityTypes,
  tokenExchangeOperationName,
  verifyStateOperationName,
  type TurnContext,
} from 'botbuilder';
import type { UserTokenClient } from 'botframework-connector';
import { z } from 'zod';
import type { BotServices } from '../botServices';

// The sign-in invokes of Teams SSO (Learn
// https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code).
//
// teams-ai v1's `authentication` settings (TeamsSsoSettings / OAuthSettings) are not used: their
// signin/* routes only continue an OAuthPrompt dialog a message began (autoSignIn or signUserIn) and
// send no invoke response when none is active, which leaves a card's Action.Execute sign-in and a
// stray invoke without an answer; and that dialog lives in teams-ai's conversation state, which
// without an Application `storage` (this bot configures none) does not outlive the turn.
// So the exchange is botbuilder's own TeamsSSOTokenExchangeMiddleware (adapter.ts: 412 with the
// failure detail when the token service has no token) and these handlers answer what passes it.

const tokenExchangeSchema = z.object({
  id: z.string().min(1),
  connectionName: z.string().min(1),
  token: z.string().min(1),
});
const verifyStateSchema = z.object({ state: z.string().min(1) });

export function isSignInInvoke(context: TurnContext): boolean {
  const { type, name } = context.activity;
  return (
    type === ActivityTypes.Invoke &&
    (name === tokenExchangeOperationName || name === verifyStateOperationName)
  );
}

export async function handleSignIn(services: BotServices, context: TurnContext): Promise<void> {
  if (context.activity.name === tokenExchangeOperationName) return tokenExchanged(services, context);
  return verifyState(services, context);
}

/**
 * The middleware let this exchange through: the token service gave a token for the user. Nothing in
 * the bot keeps it yet (the token service does, per user and connection), so the answer is the 200
 * Teams waits for.
 */
async function tokenExchanged(services: BotServices, context: TurnContext): Promise<void> {
  const request = tokenExchangeSchema.safeParse(context.activity.value);
  if (!request.success || request.data.connectionName !== services.ssoConnectionName) {
    // The middleware only exchanges the bot's own connection: anything else is not ours to exchange.
    return answer(context, 400, {
      id: request.success ? request.data.id : undefined,
      connectionName: services.ssoConnectionName,
      failureDetail: `The token exchange request is not for the connection ${services.ssoConnectionName}.`,
    });
  }
  services.logger.info({ user: context.activity.from?.aadObjectId }, 'Teams SSO token exchanged');
  return answer(context, 200, { id: request.data.id, connectionName: services.ssoConnectionName });
}

/**
 * The sign-in card's magic code comes back as `state`: the token service redeems it for the user's
 * token. 200 with a token, 404 without, 500 when the service cannot be reached (as botbuilder's
 * OAuthPrompt answers).
 */
async function verifyState(services: BotServices, context: TurnContext): Promise<void> {
  const request = verifyStateSchema.safeParse(context.activity.value);
  if (!request.success) return answer(context, 400, { error: 'signin/verifyState needs a state' });
  const client = context.turnState.get<UserTokenClient | undefined>(
    (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey,
  );
  try {
    const token = await client?.getUserToken(
      context.activity.from.id,
      services.ssoConnectionName,
      context.activity.channelId,
      request.data.state,
    );
    return answer(context, token?.token ? 200 : 404);
  } catch (error) {
    services.logger.warn({ err: (error as Error).message }, 'signin/verifyState: token service failed');
    return answer(context, 500);
  }
}

async function answer(context: TurnContext, status: number, body?: unknown): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}
