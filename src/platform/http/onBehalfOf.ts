import {
  OnBehalfOfCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import { PlatformError } from '../platformError';
import { claimsChallengeCapture } from './claimsChallenge';
import { emulatorAuthorityOptions } from './emulatorAuthority';

/**
 * Tokens that act as the admin (AZURE_AUTH=obo): `@azure/identity`'s OnBehalfOfCredential trades the
 * admin's Teams SSO token (as the Bot Framework token service exchanged it) for a token of the resource
 * a step calls (LCS, the dual-write gateway, Dataverse, the Power Platform API). Learn
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow. Nothing is stored:
 * the assertion lives as long as the step that was given it; MSAL's cache is in memory.
 *
 * OBO cannot prompt: a Conditional Access or MFA challenge (`interaction_required`, AADSTS50076/50079)
 * and an expired or foreign assertion come back as `SignInNeededError`, so the engine asks the admin to
 * sign in again (a fresh SSO token) instead of failing the step. Missing consent (AADSTS65001) is a
 * deployment fault: docs/deploy.md ("Delegated tokens") lists the admin consents.
 */
export interface OnBehalfOfSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Emulator mode: the emulator's origin, whose Entra answers the grant (emulatorAuthority.ts). */
  emulatorOrigin?: string;
}

/** Why a delegated token could not be had without the admin. */
export type SignInReason =
  'interaction_required' | 'assertion_expired' | 'assertion_invalid' | 'consent_missing';

/** The admin must sign in again (or consent): a typed outcome, not a failure of the step. */
export class SignInNeededError extends PlatformError {
  constructor(
    readonly reason: SignInReason,
    message: string,
    readonly scope: string,
    /** The AADSTS code Entra answered (50076, 50079, 500133, 50013, 65001). */
    readonly aadsts?: number,
    /**
     * Entra's claims challenge (a JSON string) with `interaction_required`: the new sign-in passes it
     * on so the token it gives satisfies the policy (claimsChallenge.ts).
     */
    readonly claims?: string,
  ) {
    super('sign_in_needed', message, 401, aadsts ? `AADSTS${aadsts}` : undefined);
    this.name = 'SignInNeededError';
  }
}

export function onBehalfOfCredential(settings: OnBehalfOfSettings, userAssertion: string): TokenCredential {
  const challenge = claimsChallengeCapture();
  const emulator = settings.emulatorOrigin ? emulatorAuthorityOptions(settings.emulatorOrigin) : undefined;
  const inner = new OnBehalfOfCredential({
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    userAssertionToken: userAssertion,
    ...emulator,
    additionalPolicies: [
      ...(emulator?.additionalPolicies ?? []),
      { policy: challenge.policy, position: 'perCall' as const },
    ],
  });
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      try {
        const token = await inner.getToken(scopes, options);
        if (!token) throw new PlatformError('unauthorized', 'Microsoft Entra ID gave no token.');
        return token;
      } catch (error) {
        throw signInNeededOr(error, Array.isArray(scopes) ? scopes.join(' ') : scopes, challenge.take());
      }
    },
  };
}

/** Reads Entra's answer out of the credential's error: its message carries the error and AADSTS code. */
export function signInNeededOr(error: unknown, scope: string, claims?: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const aadsts = Number(/AADSTS(\d+)/.exec(message)?.[1]) || undefined;
  const say = (what: string) => `${what} (${scope}${aadsts ? `, AADSTS${aadsts}` : ''}).`;
  if (/interaction_required|AADSTS5007[69]/.test(message))
    return new SignInNeededError(
      'interaction_required',
      say(
        'Microsoft Entra ID asks you to sign in again (multi-factor authentication or a Conditional Access policy)',
      ),
      scope,
      aadsts,
      claims,
    );
  if (aadsts === 500133)
    return new SignInNeededError(
      'assertion_expired',
      say('Your sign-in has expired: sign in again'),
      scope,
      aadsts,
    );
  if (aadsts === 50013)
    return new SignInNeededError(
      'assertion_invalid',
      say('Your sign-in was not issued to this bot'),
      scope,
      aadsts,
    );
  if (aadsts === 65001)
    return new SignInNeededError(
      'consent_missing',
      say('An administrator has not consented to this permission (docs/deploy.md, "Delegated tokens")'),
      scope,
      aadsts,
    );
  return error;
}
