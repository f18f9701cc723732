import { AuthenticationConstants, AuthenticationError, type Claim } from 'botframework-connector';

// botframework-connector 4.23.3 sends a token down one of three paths by its issuer
// (ParameterizedBotFrameworkAuthentication.JwtTokenValidation_authenticateToken): channel tokens
// (issuer https://api.botframework.com, audience = the bot), "emulator" tokens and skill tokens.
// The emulator path accepts any Entra-issued token whose `appid`/`azp` is the bot's app id, whatever
// its audience, from any tenant whose `tid` the token names (isTokenFromEmulator adds that tenant's
// issuer on the fly). A token the bot's own app registration obtained for another resource
// (Dynamics 365, say) would therefore pass as a bot request. This bot only talks to the Teams channel
// through the Bot Framework Service, so it accepts channel tokens only.

/**
 * The claims validator for botframework-connector's AuthenticationConfiguration: refuses every token
 * not issued by the Bot Framework channel service for this bot. Setting a validator also replaces
 * the library's default refusal of skill claims, so it must (and does) refuse those too.
 */
export function channelTokenClaimsValidator(
  botId: string,
  issuer: string = AuthenticationConstants.ToBotFromChannelTokenIssuer,
): (claims: Claim[]) => Promise<void> {
  return async (claims) => {
    const claim = (type: string) => claims.find((c) => c.type === type)?.value;
    if (claim(AuthenticationConstants.IssuerClaim) !== issuer) {
      throw new AuthenticationError('Unauthorized. Not a Bot Framework channel token.', 401);
    }
    if (claim(AuthenticationConstants.AudienceClaim) !== botId) {
      throw new AuthenticationError('Unauthorized. The token is not for this bot.', 401);
    }
  };
}
