import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Checks a JWT the way a relying party does: the signing key found by `kid` in the issuer's JWKS
 * (fetched over HTTP), RS256, then issuer and audience. Used against the emulator's Entra and Bot
 * Connector keys (src/emulator/entra/signingKeys.ts). Returns the claims, or throws why not.
 */
export async function verifyWithJwks(
  token: string,
  jwksUrl: string,
  expected: { issuer: string; audience: string },
): Promise<Record<string, unknown>> {
  const kid = (jwt.decode(token, { complete: true })?.header as { kid?: string } | undefined)?.kid;
  const response = await fetch(jwksUrl);
  if (!response.ok) throw new Error(`GET ${jwksUrl}: ${response.status}`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string; n: string; e: string }> };
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`no key ${kid} at ${jwksUrl}`);
  const key: KeyObject = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  return jwt.verify(token, key, {
    algorithms: ['RS256'],
    issuer: expected.issuer,
    audience: expected.audience,
  }) as Record<string, unknown>;
}
