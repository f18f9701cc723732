import type { RunningEmulator } from '../../src/emulator/index';
import {
  BULK_ORDER_ADVICE,
  LIVE_BOOTSTRAP_ROWS,
  LIVE_WRITES_TEXT,
} from '../../src/engine/steps/bootstrapCompanyData';
import { startTestEmulator } from '../emulator/emulatorTestKit';
import { emulatorPlatform } from './emulatorRig';
import { approvalSummaryAlone } from './stepAlone';

/**
 * What the bootstrap's approval says (docs/domain.md §4): the supported-scenarios order stamps while
 * the maps run, so every stamp is a live write to F&O; past LIVE_BOOTSTRAP_ROWS the bootstrap FAQ's
 * order is offered. Counted in a real emulated Dataverse of each size.
 */
async function summaryFor(accounts: number): Promise<Record<string, unknown>> {
  const emu: RunningEmulator = await startTestEmulator({
    seed: { existingDataverse: { name: 'contoso', accounts, contacts: 0, appUsers: true } },
  });
  try {
    return await approvalSummaryAlone({
      platform: emulatorPlatform(emu.url),
      input: {
        scenario: 'existing-existing',
        financeOpsUrl: `${emu.url}/fo/contoso-fo`,
        dataverseUrl: `${emu.url}/orgs/contoso`,
        legalEntities: ['USMF'],
      },
      kind: 'bootstrapCompanyData',
      params: { companyCode: 'USMF', tables: ['accounts'] },
    });
  } finally {
    await emu.close();
  }
}

describe('the bootstrap approval', () => {
  it('says each stamped row is a live write to F&O, with the live-sync limits', async () => {
    const summary = await summaryFor(20);
    expect(summary).toMatchObject({ companyCode: 'USMF', totalRows: 20, liveWrites: LIVE_WRITES_TEXT });
    expect(summary.liveWrites).toMatch(/1,000 records and 2 minutes per transaction/);
    expect(summary).not.toHaveProperty('volumeAdvice');
  });

  it('offers the bootstrap FAQ order once the rows pass the live-write threshold', async () => {
    const summary = await summaryFor(LIVE_BOOTSTRAP_ROWS + 1);
    expect(summary.totalRows).toBe(LIVE_BOOTSTRAP_ROWS + 1);
    expect(summary.volumeAdvice).toBe(BULK_ORDER_ADVICE);
  });
});
