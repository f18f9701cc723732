import type { RunningEmulator } from '../../src/emulator/index';
import type { Run, StepState } from '../../src/engine/model';
import type { Platform } from '../../src/engine/ports';
import { createPlatform } from '../../src/platform/createPlatform';
import { onBehalfOfCredential } from '../../src/platform/http/onBehalfOf';
import { control } from '../emulator/emulatorTestKit';

// What the acting-admin tests (one replica and two, and LCS) share: the bot's app registration, an
// admin's Teams SSO token for it, the platform that acts as that admin, the emulator's Contoso pair set
// up as existing-existing, and the step that waits for an admin's "Continue as me".

/** The bot's app registration in the emulated Entra: the audience of the admins' SSO tokens. */
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';

/** The Teams SSO token of the admin `oid` for the bot's app, minted by the emulated Entra. */
export async function adminSsoToken(emu: RunningEmulator, oid: string): Promise<string> {
  const sso = await control(emu, 'POST', 'entra/ssoToken', { oid, audience: `api://${CLIENT_ID}` });
  return sso.body.token as string;
}

/** The platform that calls as the admin whose SSO token `assertion` is (traded on-behalf-of). */
export function platformActingAs(emu: RunningEmulator, assertion: string): Platform {
  return createPlatform({
    mode: 'emulator',
    emulatorUrl: emu.url,
    credential: onBehalfOfCredential(
      { tenantId: 'organizations', clientId: CLIENT_ID, clientSecret: 'secret', emulatorOrigin: emu.url },
      assertion,
    ),
    retry: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 },
  });
}

/** An existing-existing setup of the emulator's Contoso pair (USMF, F&O as master). */
export function contosoExistingExisting(emulatorUrl: string) {
  return {
    scenario: 'existing-existing',
    financeOpsUrl: `${emulatorUrl}/fo/contoso-fo`,
    dataverseUrl: `${emulatorUrl}/orgs/contoso`,
    legalEntities: ['USMF'],
    companyCode: 'USMF',
    master: 'financeOps',
  };
}

/** The step waiting for an admin to act with their own rights, if any. */
export const waitingForAdmin = (run: Run): StepState | undefined =>
  run.steps.find((s) => s.status === 'awaiting_manual' && s.actAs);
