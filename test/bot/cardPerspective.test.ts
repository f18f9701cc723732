import {
  approvalPerspective,
  canOperate,
  refreshOf,
  type CardPerspective,
} from '../../src/bot/audience/cardPerspective';
import type { CardAudience } from '../../src/bot/audience/cardAudience';
import type { Run } from '../../src/engine/model';

// The three approval cards from one run, and the refresh every copy carries.

const run = { id: 'run-12345678', requestedBy: { id: 'aad-alex', name: 'Alex Admin' } } as Run;
const audience: CardAudience = {
  approvalUserIds: ['29:alex', '29:priya'],
  actionUserIds: ['29:alex'],
  approvers: [{ id: 'aad-priya', name: 'Priya Approver' }],
  anyoneMayDecide: false,
  anyoneMayAct: false,
  rosterKnown: true,
};
const shared: CardPerspective = { audience, fourEyes: true };
const as = (id: string, name: string, mayDecide: boolean, mayOperate = false): CardPerspective => ({
  ...shared,
  viewer: { actor: { id, name }, mayDecide, mayOperate },
});

describe('the approval card, three ways', () => {
  it('the approver gets the buttons', () => {
    expect(approvalPerspective(run, as('aad-priya', 'Priya Approver', true))).toMatchObject({
      viewer: 'approver',
      canDecide: true,
    });
  });

  it('the requester reads who may decide', () => {
    expect(approvalPerspective(run, as('aad-alex', 'Alex Admin', false))).toEqual({
      viewer: 'requester',
      canDecide: false,
      waitingText: 'Waiting for an approver (Priya Approver).',
    });
  });

  it('a bystander and the shared card read only', () => {
    expect(approvalPerspective(run, as('aad-megan', 'Megan Bowen', false))).toMatchObject({
      viewer: 'bystander',
      canDecide: false,
    });
    expect(approvalPerspective(run, shared)).toMatchObject({ viewer: 'shared', canDecide: false });
  });

  it('the shared card keeps its buttons only when anyone may decide and four eyes are off', () => {
    const open = { ...audience, anyoneMayDecide: true };
    expect(approvalPerspective(run, { audience: open, fourEyes: false }).canDecide).toBe(true);
    expect(approvalPerspective(run, { audience: open, fourEyes: true }).canDecide).toBe(false);
  });
});

describe('admin actions and refresh', () => {
  it('shows admin actions to admins, and on the shared card only when anyone may act', () => {
    expect(canOperate(as('aad-alex', 'Alex Admin', false, true))).toBe(true);
    expect(canOperate(as('aad-megan', 'Megan Bowen', false, false))).toBe(false);
    expect(canOperate(shared)).toBe(false);
    expect(canOperate({ audience: { ...audience, anyoneMayAct: true }, fourEyes: true })).toBe(true);
  });

  it('every copy of a card carries the same refresh: the view verb and the users it lists', () => {
    expect(refreshOf(run, 'approval', 's08', shared)).toEqual({
      action: {
        type: 'Action.Execute',
        title: 'Refresh',
        verb: 'run.view',
        data: { runId: 'run-12345678', kind: 'approval', stepId: 's08' },
      },
      userIds: ['29:alex', '29:priya'],
    });
    expect(refreshOf(run, 'run', undefined, shared)).toMatchObject({ userIds: ['29:alex'] });
    expect(
      refreshOf(run, 'run', undefined, { ...shared, audience: { ...audience, actionUserIds: [] } }),
    ).toBe(undefined);
  });
});
