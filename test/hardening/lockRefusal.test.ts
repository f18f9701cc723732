import { startHarness, type Harness } from '../support/botHarness';
import { reachContosoConfirmation, startRunAtApproval } from '../support/scenarioDriver';
import { newConversation, responseCard, textOf, user } from '../support/teamsClient';

/**
 * The environment lock spans tenants (it is on the URLs), but its refusal does not: an admin of
 * another tenant who tries to set up the same environments is refused without learning that a run
 * exists there, who started it or when (before: "already being set up by another run").
 */
const adminA = user('Alex Admin');
const adminB = user('Bea Fabrikam Admin');

describe('the environment-lock refusal across tenants', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ADMINS: `${adminA.aadObjectId},${adminB.aadObjectId}` });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('tells another tenant nothing about the run that holds the lock', async () => {
    const { runId } = await startRunAtApproval(h, adminA, { financeOpsName: 'lock-fo', companyCode: 'LCKA' });
    const elsewhere = { ...newConversation(), tenantId: 'tenant-fabrikam' };
    const { confirm, cardId } = await reachContosoConfirmation(h, adminB, {
      financeOpsName: 'lock-fo',
      companyCode: 'LCKB',
      companyName: 'Fabrikam',
      conversation: elsewhere,
    });
    const answer = textOf(
      responseCard(await h.client.click(adminB, elsewhere, confirm, cardId, 'setup.start')),
    );
    expect(answer).toContain('These environments cannot be set up from here.');
    expect(answer).not.toMatch(/another run|already being set up|Alex Admin/);
    expect(answer).not.toContain(runId);
  });
});
