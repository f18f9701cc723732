import { randomInt } from 'node:crypto';
import type { EmulatorContext } from '../shell/emulatorContext';

/**
 * The sign-in card's other way in: the user signs in on the token service's page and Teams sends the
 * bot `signin/verifyState` with a magic code as `state`; the bot redeems it with
 * `GET api/usertoken/GetToken?...&code=` (Learn
 * https://learn.microsoft.com/azure/bot-service/bot-builder-concept-authentication; the route is
 * botframework-connector's `userToken.getToken`). The emulator keeps the codes in memory, one use each
 * [inferred: the real service's code lifetime and reuse rules are not documented].
 */
export interface SignInCode {
  userId: string;
  connectionName: string;
  oid: string;
  name: string;
}

const codesOf = new WeakMap<EmulatorContext, Map<string, SignInCode>>();

function codes(ctx: EmulatorContext): Map<string, SignInCode> {
  let map = codesOf.get(ctx);
  if (!map) codesOf.set(ctx, (map = new Map()));
  return map;
}

/** The user finished the sign-in page: the six-digit code the page shows (and Teams forwards). */
export function issueSignInCode(ctx: EmulatorContext, signIn: SignInCode): string {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  codes(ctx).set(code, signIn);
  return code;
}

/** The sign-in behind a code, for this user and connection only; a code is used once. */
export function redeemSignInCode(
  ctx: EmulatorContext,
  code: string,
  userId: string,
  connectionName: string,
): SignInCode | undefined {
  const signIn = codes(ctx).get(code);
  if (!signIn || signIn.userId !== userId || signIn.connectionName !== connectionName) return undefined;
  codes(ctx).delete(code);
  return signIn;
}
