import type { Run, StepState } from '../../src/engine/model';

// What the acting-admin tests (one replica and two) share: the emulator's Contoso pair set up as
// existing-existing, and the step that waits for an admin's "Continue as me".

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
