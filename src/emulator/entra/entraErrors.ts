import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/**
 * Entra's token-endpoint error body: `error`, `error_description` (the AADSTS code first, then trace
 * and correlation ids and a timestamp), `error_codes`, `timestamp`, `trace_id`, `correlation_id` and,
 * for a Conditional Access challenge, `claims`. Shape from the error response example of Learn
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow (the AADSTS50079
 * `interaction_required` answer); codes from
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
export interface EntraRefusal {
  status: number;
  error: string;
  code: number;
  description: string;
  claims?: string;
}

export function sendEntraError(res: Response, refusal: EntraRefusal, now: number): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(now)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  res.status(refusal.status).json({
    error: refusal.error,
    error_description: `AADSTS${refusal.code}: ${refusal.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [refusal.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    ...(refusal.claims ? { claims: refusal.claims } : {}),
  });
}

/** AADSTS50013 InvalidAssertion: the assertion was not issued to this client [wording inferred]. */
export const wrongAudience = (clientId: string): EntraRefusal => ({
  status: 400,
  error: 'invalid_grant',
  code: 50013,
  description: `Assertion failed signature validation. [Reason - The assertion audience claim does not match the client id ${clientId}.]`,
});

/** AADSTS500133: "Assertion isn't within its valid time range" (reference-error-codes). */
export const expiredAssertion = (): EntraRefusal => ({
  status: 400,
  error: 'invalid_grant',
  code: 500133,
  description:
    'Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.',
});

/** AADSTS50013 for an assertion that is no user token at all [wording inferred]. */
export const invalidAssertion = (): EntraRefusal => ({
  status: 400,
  error: 'invalid_grant',
  code: 50013,
  description: 'Assertion is invalid: it is not a user access token.',
});

/**
 * AADSTS50079 (enroll in MFA) / AADSTS50076 (MFA required), `interaction_required` with a claims
 * challenge, as the OBO page's example answers; the `polids` value is the example's.
 */
export const interactionRequired = (code: 50076 | 50079, resource: string): EntraRefusal => ({
  status: 400,
  error: 'interaction_required',
  code,
  description:
    code === 50079
      ? `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${resource}'.`
      : `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
  claims: JSON.stringify({
    access_token: { polids: { essential: true, values: ['9ab03e19-ed42-4168-b6b7-7001fb3e933a'] } },
  }),
});

/** AADSTS70016: the device-code sign-in is not finished yet (reference-error-codes). */
export const authorizationPending = (): EntraRefusal => ({
  status: 400,
  error: 'authorization_pending',
  code: 70016,
  description: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
});

/** AADSTS7000218: a confidential grant without client_secret or client_assertion. */
export const missingClientCredential = (): EntraRefusal => ({
  status: 401,
  error: 'invalid_client',
  code: 7000218,
  description:
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
});

/** AADSTS900144: a required parameter is missing. */
export const missingParameter = (name: string): EntraRefusal => ({
  status: 400,
  error: 'invalid_request',
  code: 900144,
  description: `The request body must contain the following parameter: '${name}'.`,
});

/** AADSTS70000 / unsupported grant types answer `unsupported_grant_type` [code inferred]. */
export const unsupportedGrant = (grant: string): EntraRefusal => ({
  status: 400,
  error: 'unsupported_grant_type',
  code: 70003,
  description: `The app requested an unsupported grant type '${grant}'.`,
});
