import { cardAudience } from '../../src/bot/audience/cardAudience';
import type { Member } from '../../src/bot/audience/viewerRules';
import { Roles } from '../../src/bot/roles/roles';

// Who gets their own view of a run's cards, from the roles and the conversation's roster. The
// directory-backed case (groups through Graph) is covered in test/platform/graphRoles.test.ts.

const alex: Member = { id: '29:alex', aadObjectId: 'aad-alex', name: 'Alex Admin' };
const priya: Member = { id: '29:priya', aadObjectId: 'aad-priya', name: 'Priya Approver' };
const megan: Member = { id: '29:megan', aadObjectId: 'aad-megan', name: 'Megan Bowen' };
const roster = [alex, priya, megan];
const requester = { id: 'aad-alex', name: 'Alex Admin' };

describe('the audience of a run', () => {
  it('lists the requester and the approvers present, by MRI, with roster names', async () => {
    const roles = new Roles({ admins: ['aad-alex'], approvers: ['aad-priya', 'aad-absent'], fourEyes: true });
    const audience = await cardAudience(roles, roster, requester);
    expect(audience.approvalUserIds).toEqual(['29:alex', '29:priya']);
    expect(audience.actionUserIds).toEqual(['29:alex']);
    expect(audience.approvers.map((p) => p.name)).toEqual(['Priya Approver', 'aad-absent']);
    expect(audience.anyoneMayDecide).toBe(false);
  });

  it('with nobody configured, everyone may act: no per-user run card, every member may decide', async () => {
    const roles = new Roles({ admins: [], approvers: [], fourEyes: true });
    const audience = await cardAudience(roles, roster, requester);
    expect(audience.anyoneMayAct).toBe(true);
    expect(audience.actionUserIds).toEqual([]);
    expect(audience.approvalUserIds).toEqual(['29:alex', '29:priya', '29:megan']);
  });

  it('without a roster there is nobody to refresh: the shared card stands for everyone', async () => {
    const roles = new Roles({ admins: ['aad-alex'], approvers: ['aad-priya'], fourEyes: true });
    const audience = await cardAudience(roles, [], requester);
    expect(audience.approvalUserIds).toEqual([]);
    expect(audience.actionUserIds).toEqual([]);
  });
});
