import type { Harness } from '../../support/botHarness';
import type { TeamsUser } from '../../support/teamsClient';

// The emulator's control API (/_emulator/..., docs/emulator.md) as the bot's end-to-end tests use it:
// to change its settings and to play the Teams client's part of single sign-on.

/** One control call, expected to succeed; its JSON answer. */
export async function emulatorControl(
  h: Harness,
  method: string,
  route: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${h.bot.emulatorUrl}/_emulator/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * The SSO token Teams' client hands over for `who`, minted by the emulated Entra for `audience` (the
 * bot's SSO resource; unset: the emulator's default).
 */
export async function teamsSsoToken(h: Harness, who: TeamsUser, audience?: string): Promise<string> {
  const answer = await emulatorControl(h, 'POST', 'entra/ssoToken', {
    oid: who.aadObjectId,
    name: who.name,
    audience,
  });
  return String(answer.token);
}
