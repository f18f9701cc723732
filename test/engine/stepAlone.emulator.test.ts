import type { RunningEmulator } from '../../src/emulator/index';
import type { Platform } from '../../src/engine/ports';
import { emulatorPlatform, financeOpsRows, startRigEmulator } from './emulatorRig';
import { executeStepAlone, manualInstructionsAlone, verifyStepAlone } from './stepAlone';

/** Single step modules against the emulator, without an engine run (test/engine/stepAlone.ts). */
describe('one step against the emulator', () => {
  let emu: RunningEmulator;
  let platform: Platform;
  let input: Record<string, unknown>;
  beforeAll(async () => {
    emu = await startRigEmulator();
    platform = emulatorPlatform(emu.url);
    input = {
      scenario: 'existing-existing',
      financeOpsUrl: `${emu.url}/fo/contoso-fo`,
      dataverseUrl: `${emu.url}/orgs/contoso`,
      legalEntities: ['USMF'],
    };
  });
  afterAll(async () => emu?.close());

  it('createCompany: verify says what is missing, execute creates the company once, verify then passes', async () => {
    const step = {
      platform,
      input,
      kind: 'createCompany' as const,
      params: { code: 'aln1', name: 'Alone Ltd' },
    };
    const before = await verifyStepAlone(step);
    expect(before.ok).toBe(false);
    expect(before.message).toContain('no legal entity ALN1');

    const first = await executeStepAlone(step);
    expect(first.output).toEqual({ code: 'ALN1', created: true });
    const again = await executeStepAlone(step);
    expect(again.output).toEqual({ code: 'ALN1', created: false });

    const entities = await financeOpsRows(`${emu.url}/fo/contoso-fo`, 'LegalEntities');
    expect(entities.filter((row) => String(row.LegalEntityId).toUpperCase() === 'ALN1')).toHaveLength(1);
    expect(await verifyStepAlone(step)).toMatchObject({ ok: true, output: { code: 'ALN1' } });
  });

  it('createCompany: the instructions show a typed company name as text, not as the markdown it spells', async () => {
    const text = await manualInstructionsAlone({
      platform,
      input,
      kind: 'createCompany',
      params: { code: 'MDL1', name: '[Approve here](https://evil.example)' },
    });
    expect(text).toContain('Name \\[Approve here\\](https://evil.example)');
    expect(text).not.toMatch(/(^|[^\\])\[Approve here\]\(/);
  });

  it('linkEnvironments: verify before any link tells the admin to link first', async () => {
    const result = await verifyStepAlone({
      platform,
      input,
      kind: 'linkEnvironments',
      params: { legalEntities: ['USMF'] },
    });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`no dual-write link to ${emu.url}/orgs/contoso`);
  });
});
