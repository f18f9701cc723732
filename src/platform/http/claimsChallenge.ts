/**
 * Keeps the `claims` challenge of Entra's `interaction_required` answer (Learn
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow, the AADSTS50079
 * error response example; https://learn.microsoft.com/entra/identity-platform/claims-challenge), which
 * `@azure/identity` 4.x drops: its `handleMsalError` turns MSAL's InteractionRequiredAuthError (whose
 * `claims` field holds it) into an AuthenticationRequiredError with the message only and no `cause`
 * (node_modules/@azure/identity/dist/commonjs/msal/utils.js, the last line of `handleMsalError`). The
 * token request goes through the credential's HTTP pipeline (its `additionalPolicies`), so a policy
 * reads the challenge off the answer itself. Typed by structure, like emulatorAuthority.ts.
 */
export interface ClaimsChallengeCapture {
  policy: {
    name: string;
    sendRequest<R, T extends { status: number; bodyAsText?: string | null }>(
      request: R,
      next: (request: R) => Promise<T>,
    ): Promise<T>;
  };
  /** The challenge of the last `interaction_required` answer, taken once. */
  take(): string | undefined;
}

export function claimsChallengeCapture(): ClaimsChallengeCapture {
  let last: string | undefined;
  return {
    policy: {
      name: 'claimsChallengeCapture',
      async sendRequest(request, next) {
        const response = await next(request);
        if (response.status === 400 && response.bodyAsText) last = challengeOf(response.bodyAsText) ?? last;
        return response;
      },
    },
    take() {
      const claims = last;
      last = undefined;
      return claims;
    },
  };
}

/** The `claims` of an `interaction_required` error body, or undefined. */
function challengeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; claims?: unknown };
    return parsed.error === 'interaction_required' && typeof parsed.claims === 'string' && parsed.claims
      ? parsed.claims
      : undefined;
  } catch {
    return undefined;
  }
}
