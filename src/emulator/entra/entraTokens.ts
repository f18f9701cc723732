import { EMULATOR_TOKEN_PREFIX } from '../shell/acceptedTokens';

/**
 * The tokens the emulated Entra issues. A user (delegated) token carries the claims a resource reads
 * from a real Entra access token: `aud`, `oid`, `tid`, `scp`, `exp` (Learn
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference; `scp` only in
 * delegated tokens, `idtyp` `user`). The emulator's tokens are not JWTs: the emulator prefix, then the
 * claims as base64url JSON [inferred: no signature to check on loopback]. An app-only token (the
 * platform's local credential: the prefix and a scope) has no such claims.
 */
export interface UserClaims {
  aud: string;
  oid: string;
  tid: string;
  scp: string;
  name: string;
  /** Seconds since the epoch, as in a JWT. */
  exp: number;
  iat: number;
  idtyp: 'user';
}

export type Caller = { kind: 'user'; claims: UserClaims } | { kind: 'app' };

export function mintUserToken(claims: UserClaims): string {
  return `${EMULATOR_TOKEN_PREFIX}${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
}

/** The claims of an emulator user token, or undefined for anything else (app tokens included). */
export function userClaimsOf(token: string): UserClaims | undefined {
  if (!token.startsWith(EMULATOR_TOKEN_PREFIX)) return undefined;
  try {
    const claims = JSON.parse(
      Buffer.from(token.slice(EMULATOR_TOKEN_PREFIX.length), 'base64url').toString('utf8'),
    ) as Partial<UserClaims>;
    return claims && typeof claims === 'object' && claims.idtyp === 'user' && typeof claims.oid === 'string'
      ? (claims as UserClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Callers by token: a client sends the same token with every request, so each is read once. */
const callersByToken = new Map<string, Caller>();
const MAX_CALLERS_KEPT = 1000;

/**
 * Who sent a request, read from its `Authorization: Bearer` header (requireBearer checked the prefix).
 * The answer is shared between requests with the same token, so it is frozen.
 */
export function callerOf(authorization: string | undefined): Caller {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  let caller = callersByToken.get(token);
  if (!caller) {
    const claims = userClaimsOf(token);
    caller = Object.freeze(
      claims ? { kind: 'user' as const, claims: Object.freeze(claims) } : { kind: 'app' as const },
    );
    if (callersByToken.size >= MAX_CALLERS_KEPT) callersByToken.clear();
    callersByToken.set(token, caller);
  }
  return caller;
}

/** The audience a `scope` asks for: `https://IntegratorApp.com/.default` -> `https://IntegratorApp.com`. */
export function audienceOfScope(scope: string): string {
  const first = scope
    .split(/\s+/)
    .find((part) => part && !['openid', 'profile', 'offline_access'].includes(part));
  if (!first) return '';
  const slash = first.lastIndexOf('/');
  return slash > first.indexOf('//') + 1 ? first.slice(0, slash) : first;
}
